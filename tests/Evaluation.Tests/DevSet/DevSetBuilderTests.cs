using OpenCvSharp;
using StreamJepa.Evaluation.DevSet;

namespace StreamJepa.Evaluation.Tests.DevSet;

public sealed class DevSetBuilderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-devset").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_real_part_holds_a_training_clip_normal_videos_and_one_labelled_video_per_injection_that_eval_can_load()
    {
        var source = Clip(frames: 120);
        var builder = new DevSetBuilder(source, "clip") { TrainFrames = 60, FrameSize = new Size(64, 48) };
        Injection[] injections = [new(InjectionKind.StoppedTime, 20, 10), new(InjectionKind.LightsDown, 30, 10), new(InjectionKind.WrongSpeed, 10, 5)];

        var manifest = EvalManifest.Load(builder.BuildReal(Path.Combine(_dir, "real"), injections));

        Assert.Equal([Path.Combine(_dir, "real", "clip-normal.avi")], manifest.Train);
        Assert.Equal(60, Count(manifest.Train[0]));
        Assert.Equal(["clip-heldout", "clip-train", "clip-stoppedTime-20", "clip-lightsDown-30", "clip-wrongSpeed-10"], manifest.Videos.Select(v => v.Id));

        // The normal videos (false episodes): the held-out frames untouched, and the training clip itself.
        Assert.Empty(manifest.Videos[0].Anomalies);
        Assert.Equal(60, Count(manifest.Videos[0].Path));
        Assert.Equal(manifest.Train[0], manifest.Videos[1].Path);
        Assert.Empty(manifest.Videos[1].Anomalies);

        Assert.Equal(new FrameRange(20, 30, "stoppedTime"), manifest.Videos[2].Anomalies.Single());
        Assert.Equal(70, Count(manifest.Videos[2].Path)); // 60 held-out frames + 10 repeated
        Assert.Equal(60 - (5 * (Injection.SpeedFactor - 1)), Count(manifest.Videos[4].Path));

        // Lights down: the anomalous frames are much darker than the frames around them.
        var brightness = Brightness(manifest.Videos[3].Path);
        Assert.True(brightness[35] < 0.6 * brightness[25], $"frame 35 {brightness[35]:0.0} vs frame 25 {brightness[25]:0.0}");
        Assert.True(brightness[45] > 0.8 * brightness[25]);
    }

    [Theory]
    [InlineData(InjectionKind.SmallObject)]
    [InlineData(InjectionKind.CameraShift)]
    [InlineData(InjectionKind.Defocus)]
    [InlineData(InjectionKind.Mirrored)]
    [InlineData(InjectionKind.Occlusion)]
    [InlineData(InjectionKind.ColourCast)]
    [InlineData(InjectionKind.SlowObject)]
    [InlineData(InjectionKind.AbandonedObject)]
    public void Drawn_kinds_change_the_frames_inside_their_range_only(InjectionKind kind)
    {
        var builder = new DevSetBuilder(Clip(frames: 120), "clip") { TrainFrames = 60, FrameSize = new Size(128, 96) };
        var manifest = EvalManifest.Load(builder.BuildReal(Path.Combine(_dir, "real"), [new Injection(kind, 20, 10)]));

        var normal = Frames(manifest.Videos[0].Path);
        var injected = Frames(manifest.Videos[2].Path);
        try
        {
            Assert.Equal(normal.Count, injected.Count);
            for (var t = 0; t < normal.Count; t++)
            {
                using var diff = new Mat();
                Cv2.Absdiff(normal[t], injected[t], diff);
                var changed = Cv2.Mean(diff).Val0 + Cv2.Mean(diff).Val1 + Cv2.Mean(diff).Val2;
                // An abandoned object stays after its labelled frames; everything else is back as it was.
                var edited = t is >= 20 and < 30 || (kind == InjectionKind.AbandonedObject && t >= 30);
                Assert.True(edited ? changed > 0.3 : changed == 0, $"{kind} frame {t}: mean difference {changed:0.000}");
            }
        }
        finally
        {
            normal.Concat(injected).ToList().ForEach(m => m.Dispose());
        }
    }

    [Fact]
    public void The_synthetic_part_has_normal_scenes_to_train_on_and_hold_out_and_scenes_with_their_truth()
    {
        var manifest = EvalManifest.Load(DevSetBuilder.BuildSynthetic(Path.Combine(_dir, "synthetic"), [3], frames: 300));

        Assert.Single(manifest.Train);
        Assert.Equal(["normal-heldout", "normal-train", "scene-3"], manifest.Videos.Select(v => v.Id));
        Assert.All(manifest.Videos.Take(2), v => Assert.Empty(v.Anomalies));
        Assert.Equal(manifest.Train[0], manifest.Videos[1].Path);
        Assert.NotEmpty(manifest.Videos[2].Anomalies);
    }

    /// <summary>A clip whose frames differ (a moving square on grey), so the schedule is visible in the output.</summary>
    private string Clip(int frames)
    {
        var path = Path.Combine(_dir, "source.avi");
        using var writer = new VideoWriter(path, FourCC.MJPG, 10, new Size(128, 96));
        using var frame = new Mat(96, 128, MatType.CV_8UC3);
        for (var t = 0; t < frames; t++)
        {
            frame.SetTo(new Scalar(150, 150, 150));
            Cv2.Rectangle(frame, new Rect(t % 110, 40, 16, 16), Scalar.White, -1);
            writer.Write(frame);
        }

        return path;
    }

    private static List<Mat> Frames(string path)
    {
        using var capture = new VideoCapture(path);
        var frames = new List<Mat>();
        var frame = new Mat();
        while (capture.Read(frame) && !frame.Empty())
        {
            frames.Add(frame);
            frame = new Mat();
        }

        frame.Dispose();
        return frames;
    }

    private static int Count(string path) => Brightness(path).Count;

    private static List<double> Brightness(string path)
    {
        using var capture = new VideoCapture(path);
        using var frame = new Mat();
        var values = new List<double>();
        while (capture.Read(frame) && !frame.Empty())
        {
            values.Add(Cv2.Mean(frame).Val0);
        }

        return values;
    }
}
