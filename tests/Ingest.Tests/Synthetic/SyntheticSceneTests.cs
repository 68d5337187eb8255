using OpenCvSharp;
using StreamJepa.Ingest.Synthetic;

namespace StreamJepa.Ingest.Tests.Synthetic;

public sealed class SyntheticSceneTests
{
    private static readonly SyntheticSceneOptions Small = new()
    {
        Seed = 11,
        Width = 96,
        Height = 72,
        Frames = 200,
        Warmup = 40,
        AnomalyEvery = 30,
        AnomalyLength = 8,
    };

    [Fact]
    public void Render_SameSeed_SameFrames()
    {
        using var a = new SyntheticScene(Small);
        using var b = new SyntheticScene(Small);
        using var fa = new Mat();
        using var fb = new Mat();

        for (var i = 0; i < 120; i++)
        {
            a.Render(fa);
            b.Render(fb);
            Assert.Equal(0, Cv2.Norm(fa, fb, NormTypes.L1));
        }
    }

    [Fact]
    public void Render_OtherSeed_OtherScene()
    {
        using var a = new SyntheticScene(Small);
        using var b = new SyntheticScene(Small with { Seed = 12 });
        using var fa = new Mat();
        using var fb = new Mat();

        a.Render(fa);
        b.Render(fb);

        Assert.True(Cv2.Norm(fa, fb, NormTypes.L1) > 0);
    }

    [Fact]
    public void Render_ObjectsMoveAndNoiseChangesEveryNormalFrame()
    {
        using var scene = new SyntheticScene(Small);
        using var previous = new Mat();
        using var frame = new Mat();
        scene.Render(previous);
        for (var i = 1; i < Small.Warmup; i++)
        {
            scene.Render(frame);
            Assert.True(Cv2.Norm(frame, previous, NormTypes.L1) > 0, $"frame {i} differs from frame {i - 1}");
            frame.CopyTo(previous);
        }
    }

    [Fact]
    public void Schedule_CoversEveryKindInTurn_AfterWarmup()
    {
        var truth = new SyntheticScene(Small).Truth();

        Assert.Equal(Enum.GetValues<SceneAnomalyKind>(), truth.Anomalies.Take(5).Select(a => a.Kind));
        Assert.All(truth.Anomalies, a =>
        {
            Assert.True(a.StartFrame >= Small.Warmup);
            Assert.Equal(Small.AnomalyLength, a.EndFrame - a.StartFrame);
            Assert.True(a.EndFrame <= Small.Frames);
        });
        Assert.All(truth.Anomalies.Zip(truth.Anomalies.Skip(1)), pair => Assert.True(pair.First.EndFrame <= pair.Second.StartFrame));
    }

    [Fact]
    public void Freeze_RepeatsTheLastNormalFrameExactly()
    {
        var options = Small with { Kinds = [SceneAnomalyKind.Freeze] };
        using var scene = new SyntheticScene(options);
        var freeze = scene.Truth().Anomalies[0];
        using var frame = new Mat();
        using var lastNormal = new Mat();
        while (scene.NextFrame < freeze.EndFrame)
        {
            var index = scene.Render(frame);
            if (index == freeze.StartFrame - 1)
            {
                frame.CopyTo(lastNormal);
            }
            else if (freeze.Contains(index))
            {
                Assert.Equal(0, Cv2.Norm(frame, lastNormal, NormTypes.L1));
            }
        }
    }

    [Fact]
    public void Flash_BrightensTheWholeFrame()
    {
        var options = Small with { Kinds = [SceneAnomalyKind.Flash] };
        using var scene = new SyntheticScene(options);
        var flash = scene.Truth().Anomalies[0];
        using var frame = new Mat();
        double before = 0, during = 0;
        while (scene.NextFrame <= flash.StartFrame)
        {
            var index = scene.Render(frame);
            var mean = Cv2.Mean(frame).Val0;
            if (index == flash.StartFrame - 1)
            {
                before = mean;
            }
            else if (index == flash.StartFrame)
            {
                during = mean;
            }
        }

        Assert.True(during > before + 60, $"flash mean {during:0} vs {before:0} before");
    }

    [Fact]
    public void Schedule_At_AgreesWithUntil_ForEndlessScenes()
    {
        var schedule = new AnomalySchedule(Small with { Frames = 0 });
        var listed = schedule.Until(6_000);

        for (long f = 0; f < 5_000; f++)
        {
            Assert.Equal(listed.FirstOrDefault(a => a.Contains(f)), schedule.At(f));
        }
    }

    [Fact]
    public void SceneVideo_WritesVideoAndTruthThatReadsBack()
    {
        var dir = Directory.CreateTempSubdirectory("sj-scene").FullName;
        try
        {
            var path = Path.Combine(dir, "scene.avi");
            var truth = SceneVideo.Write(Small, path);

            using var capture = new VideoCapture(path);
            Assert.Equal(Small.Frames, (long)capture.FrameCount);
            var loaded = SceneTruth.Load(SceneVideo.TruthPath(path));
            Assert.Equal(truth.Anomalies, loaded.Anomalies);
            Assert.Equal(Small.Seed, loaded.Scene.Seed);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
