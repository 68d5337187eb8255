using System.Text.Json;
using OpenCvSharp;
using StreamJepa.Core.Configuration;
using StreamJepa.Ingest.Synthetic;

namespace StreamJepa.Evaluation.DevSet;

/// <summary>
/// Builds the development set of docs/eval.md from one real clip: its first <see cref="TrainFrames"/> frames become
/// the normal training video, and each <see cref="Injection"/> is applied to a copy of the remaining (held-out)
/// frames, written as its own labelled test video. A second, synthetic part comes from the scene generator. Each
/// part gets its own manifest for <c>streamjepa eval</c>.
/// </summary>
public sealed class DevSetBuilder
{
    private static readonly JsonSerializerOptions Json = new(ConfigDocument.JsonOptions);

    public DevSetBuilder(string source, string name)
    {
        Source = source;
        Name = name;
    }

    public string Source { get; }

    public string Name { get; }

    /// <summary>Frames of the clip that are training video; the rest are held out for the test videos.</summary>
    public int TrainFrames { get; init; } = 450;

    /// <summary>Size the clips are written at (the model sees 128×128, the baselines 96 pixels wide).</summary>
    public Size FrameSize { get; init; } = new(384, 288);

    /// <summary>Frames each default injection lasts (3 s at 10 fps).</summary>
    public const int InjectionLength = 30;

    /// <summary>
    /// Every injection kind at four places in <paramref name="heldFrames"/> held-out frames, <see cref="InjectionLength"/>
    /// frames each: from frame 50 (after a stream's warm-up) every 50 frames, closer together where a shorter clip
    /// needs it for the longest kind (the wrong speed, which reads <see cref="Injection.SpeedFactor"/> source frames a
    /// frame) to fit after the last; vtest's 345 held-out frames get 50, 100, 150 and 200. With two places per kind,
    /// which stretch of the clip an anomaly fell on moved a kind's mean AUC by up to 0.3 between the two videos.
    /// </summary>
    public static IReadOnlyList<Injection> DefaultInjections(int heldFrames)
    {
        const int first = 50, places = 4;
        var last = heldFrames - (InjectionLength * Injection.SpeedFactor) - 1;
        var step = Math.Min(50, (last - first) / (places - 1));
        if (step < 1)
        {
            throw new InvalidDataException($"{heldFrames} held-out frames are too few for four injections of every kind (at least {first + (places - 1) + (InjectionLength * Injection.SpeedFactor) + 1} are needed)");
        }

        return [.. Enum.GetValues<InjectionKind>().SelectMany(kind => Enumerable.Range(0, places).Select(k => new Injection(kind, first + (k * step), InjectionLength)))];
    }

    /// <summary>
    /// Writes <c>DIR/real</c> (the clip) and returns the manifest's path. Besides one test video per injection (the
    /// <see cref="DefaultInjections"/> for the clip's held-out frames when none are given), the manifest scores the
    /// held-out frames untouched and the training video, so <c>eval</c> counts false episodes on normal video the model
    /// did not see and on the video it learnt from.
    /// </summary>
    public string BuildReal(string directory, IReadOnlyList<Injection>? injections = null)
    {
        Directory.CreateDirectory(directory);
        var train = $"{Name}-normal.avi";
        var (held, fps) = SplitSource(Path.Combine(directory, train));
        try
        {
            if (held.Count < 2)
            {
                throw new InvalidDataException($"{Source} has {TrainFrames + held.Count} frames: too few to hold out any after {TrainFrames} training frames");
            }

            // Normal video to count false episodes on: the held-out frames as they are, and the training video itself.
            var heldOut = $"{Name}-heldout";
            Write(Path.Combine(directory, heldOut + ".avi"), held, fps, injection: null);
            injections ??= DefaultInjections(held.Count);
            var videos = new List<object>
            {
                new { id = heldOut, path = heldOut + ".avi", anomalies = Array.Empty<object>() },
                new { id = $"{Name}-train", path = train, anomalies = Array.Empty<object>() },
            };
            foreach (var injection in injections)
            {
                var id = $"{Name}-{Camel(injection.Kind)}-{injection.Start}";
                var schedule = injection.Schedule(held.Count);
                Write(Path.Combine(directory, id + ".avi"), [.. schedule.Select(i => held[i])], fps, injection);
                var range = injection.Range;
                videos.Add(new { id, path = id + ".avi", anomalies = new[] { new { start = range.Start, end = range.End, kind = Camel(injection.Kind) } } });
            }

            return WriteManifest(directory, [train], videos);
        }
        finally
        {
            foreach (var frame in held)
            {
                frame.Dispose();
            }
        }
    }

    /// <summary>
    /// Writes <c>DIR/synthetic</c>: a normal scene to train on, another normal scene held out, and seeded scenes with
    /// every kind of scheduled anomaly; the two normal scenes are test videos too (false episodes).
    /// </summary>
    public static string BuildSynthetic(string directory, IReadOnlyList<int> seeds, long frames = 600)
    {
        Directory.CreateDirectory(directory);
        SceneVideo.Write(new SyntheticSceneOptions { Seed = 1000, Frames = 3000, AnomalyEvery = 0 }, Path.Combine(directory, "normal.avi"));
        SceneVideo.Write(new SyntheticSceneOptions { Seed = 2000, Frames = 3000, AnomalyEvery = 0 }, Path.Combine(directory, "normal-heldout.avi"));
        var videos = new List<object>
        {
            new { id = "normal-heldout", path = "normal-heldout.avi", truth = "normal-heldout.truth.json" },
            new { id = "normal-train", path = "normal.avi", truth = "normal.truth.json" },
        };
        foreach (var seed in seeds)
        {
            var id = $"scene-{seed}";
            SceneVideo.Write(new SyntheticSceneOptions { Seed = seed, Frames = frames }, Path.Combine(directory, id + ".avi"));
            videos.Add(new { id, path = id + ".avi", truth = id + ".truth.json" });
        }

        return WriteManifest(directory, ["normal.avi"], videos);
    }

    private static string WriteManifest(string directory, IReadOnlyList<string> train, IReadOnlyList<object> videos)
    {
        var path = Path.Combine(directory, "manifest.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { train, videos }, Json));
        return path;
    }

    private static string Camel(InjectionKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    /// <summary>Writes the first <see cref="TrainFrames"/> frames to <paramref name="trainPath"/> as they are read, and keeps the rest (held out) in memory.</summary>
    private (List<Mat> Held, double Fps) SplitSource(string trainPath)
    {
        using var capture = new VideoCapture(Source);
        if (!capture.IsOpened())
        {
            throw new IOException($"cannot open {Source}");
        }

        var fps = capture.Fps is > 0 and < 1000 ? capture.Fps : 10;
        using var writer = Open(trainPath, fps);
        var held = new List<Mat>();
        using var frame = new Mat();
        using var small = new Mat();
        for (var t = 0; capture.Read(frame) && !frame.Empty(); t++)
        {
            Cv2.Resize(frame, small, FrameSize, interpolation: InterpolationFlags.Area);
            if (t < TrainFrames)
            {
                writer.Write(small);
            }
            else
            {
                held.Add(small.Clone());
            }
        }

        return (held, fps);
    }

    private VideoWriter Open(string path, double fps)
    {
        var writer = new VideoWriter(path, FourCC.MJPG, fps, FrameSize);
        if (!writer.IsOpened())
        {
            writer.Dispose();
            throw new IOException($"cannot write video {path} (MJPEG in AVI not supported by this OpenCV build)");
        }

        return writer;
    }

    private void Write(string path, IReadOnlyList<Mat> frames, double fps, Injection? injection)
    {
        using var writer = Open(path, fps);
        using var edited = new Mat();
        for (var t = 0; t < frames.Count; t++)
        {
            // An abandoned object stays after its labelled frames: only its arrival is the anomaly.
            var inside = injection is not null && (injection.Range.Contains(t) || (injection.Kind == InjectionKind.AbandonedObject && t >= injection.Start));
            if (!inside || injection!.Kind is InjectionKind.WrongDirection or InjectionKind.WrongSpeed or InjectionKind.StoppedTime)
            {
                writer.Write(frames[t]);
                continue;
            }

            frames[t].CopyTo(edited);
            Edit(edited, injection.Kind, Math.Min(1, (t - injection.Start + 0.5) / injection.Length));
            writer.Write(edited);
        }
    }

    /// <summary>Draws a drawn kind of anomaly on <paramref name="frame"/>; <paramref name="progress"/> runs from 0 to 1 over it.</summary>
    private static void Edit(Mat frame, InjectionKind kind, double progress)
    {
        switch (kind)
        {
            case InjectionKind.LightsDown:
                frame.ConvertTo(frame, -1, 0.45, 0);
                break;
            case InjectionKind.Intruder:
                DrawIntruder(frame, progress);
                break;
            case InjectionKind.SmallObject:
                DrawSmallObject(frame, progress);
                break;
            case InjectionKind.CameraShift:
            {
                using var shift = new Mat(2, 3, MatType.CV_64FC1);
                shift.Set(0, 0, 1.0);
                shift.Set(0, 2, frame.Width * 0.06);
                shift.Set(1, 1, 1.0);
                shift.Set(1, 2, frame.Height * 0.06);
                using var source = frame.Clone();
                Cv2.WarpAffine(source, frame, shift, frame.Size(), InterpolationFlags.Linear, BorderTypes.Replicate);
                break;
            }

            case InjectionKind.Defocus:
                Cv2.GaussianBlur(frame, frame, new Size(0, 0), frame.Width / 128.0);
                break;
            case InjectionKind.Mirrored:
                Cv2.Flip(frame, frame, FlipMode.Y);
                break;
            case InjectionKind.Occlusion:
                Cv2.Ellipse(frame, new Point(frame.Width * 0.18, frame.Height * 0.8), new Size(frame.Width * 0.3, frame.Height * 0.35), 20, 0, 360, new Scalar(28, 30, 34), -1, LineTypes.AntiAlias);
                break;
            case InjectionKind.ColourCast:
                ColourCast(frame);
                break;
            case InjectionKind.SlowObject:
                DrawSlowObject(frame, progress);
                break;
            case InjectionKind.AbandonedObject:
                DrawBag(frame);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a drawn kind");
        }
    }

    /// <summary>
    /// A dark square 3% of the frame width (a thrown bag, a small drone) crossing the picture from right to left
    /// over the anomaly at 45% of its height, about 13 pixels a frame at 384 wide: at the model's 128-pixel input it is
    /// 4 pixels, under half a token of the 8×8 grid.
    /// </summary>
    private static void DrawSmallObject(Mat frame, double progress)
    {
        var side = Math.Max(2, (int)Math.Round(frame.Width * 0.03));
        var x = (int)(frame.Width - (progress * (frame.Width + side)));
        Cv2.Rectangle(frame, new Rect(x, (int)(frame.Height * 0.45), side, side), new Scalar(30, 30, 40), -1);
    }

    /// <summary>
    /// A square 5% of the frame width drifting left to right at 35% of the height across a third of the picture over
    /// the anomaly, about 4 pixels a frame at 384 wide (a token of the 8×8 grid every 12 frames).
    /// </summary>
    private static void DrawSlowObject(Mat frame, double progress)
    {
        var side = Math.Max(2, (int)Math.Round(frame.Width * 0.05));
        var x = (int)(frame.Width * (0.3 + (progress / 3)));
        Cv2.Rectangle(frame, new Rect(x, (int)(frame.Height * 0.35), side, side), new Scalar(40, 45, 150), -1);
    }

    /// <summary>A dark blue bag with a lighter strap (6% × 5% of the frame) standing on vtest's path, right of centre.</summary>
    private static void DrawBag(Mat frame)
    {
        var (w, h) = ((int)Math.Max(3, frame.Width * 0.06), (int)Math.Max(3, frame.Height * 0.05));
        var bag = new Rect((int)(frame.Width * 0.58), (int)(frame.Height * 0.5), w, h);
        Cv2.Rectangle(frame, bag, new Scalar(90, 40, 25), -1);
        Cv2.Line(frame, new Point(bag.X + (w / 4), bag.Y), new Point(bag.X + (w / 4), bag.Bottom), new Scalar(170, 160, 150), Math.Max(1, w / 8));
    }

    /// <summary>A wrong white balance: blue × 1.35, red × 0.7, green as it is (saturating).</summary>
    private static void ColourCast(Mat frame)
    {
        var channels = Cv2.Split(frame);
        try
        {
            channels[0].ConvertTo(channels[0], -1, 1.35, 0);
            channels[2].ConvertTo(channels[2], -1, 0.7, 0);
            Cv2.Merge(channels, frame);
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    /// <summary>
    /// A grey, striped box (a cart where only people walk) crossing the whole picture from left to right over the
    /// anomaly (about 14 pixels a frame at 384 wide); <paramref name="progress"/> runs from 0 to 1.
    /// </summary>
    private static void DrawIntruder(Mat frame, double progress)
    {
        var w = frame.Width / 9;
        var h = frame.Height / 9;
        var x = (int)(-w + (progress * (frame.Width + w)));
        var y = (int)(frame.Height * 0.55);
        var box = new Rect(x, y, w, h);
        Cv2.Rectangle(frame, box, new Scalar(70, 80, 90), -1);
        Cv2.Rectangle(frame, new Rect(x, y + (h / 3), w, h / 6), new Scalar(40, 160, 220), -1);
        Cv2.Rectangle(frame, box, new Scalar(20, 20, 20), 2);
    }
}
