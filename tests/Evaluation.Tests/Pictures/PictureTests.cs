using OpenCvSharp;
using StreamJepa.Core.Results;
using StreamJepa.Evaluation.Pictures;

namespace StreamJepa.Evaluation.Tests.Pictures;

public sealed class PictureTests : IDisposable
{
    private const int Frames = 100;
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-pictures").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_most_surprising_frames_are_the_highest_scored_ones_kept_apart_in_time_order()
    {
        var trace = Trace(Path.Combine(_dir, "none.avi"));

        Assert.Equal([30, 60, 80], trace.MostSurprising(3, gap: 10));
        Assert.Equal([60, 61, 62], trace.MostSurprising(3, gap: 1));
        Assert.Equal([60], trace.AlertStarts());
    }

    [Fact]
    public void The_timeline_is_a_png_of_the_size_asked_for()
    {
        var path = Path.Combine(_dir, "t.png");

        SurpriseTimeline.Save(Trace(Video()), path, onThreshold: 4, width: 800, height: 300);

        using var image = Cv2.ImRead(path);
        Assert.Equal((800, 300), (image.Width, image.Height));
    }

    [Fact]
    public void The_strip_overlays_the_energy_map_where_it_is_high_and_borders_frames_in_the_truth()
    {
        var path = Path.Combine(_dir, "s.png");

        var shown = SurpriseStrip.Save(Trace(Video()), path, count: 3, thumbWidth: 160, gap: 10);

        Assert.Equal([30, 60, 80], shown);
        using var strip = Cv2.ImRead(path);
        Assert.Equal((3 * 160, 120), (strip.Width, strip.Height));

        // Every map is hot in its top-left quadrant and cold elsewhere: JET red there, blue in the bottom-right (the
        // source frames are a flat grey).
        using var first = new Mat(strip, new Rect(0, 0, 160, 120));
        var hot = first.At<Vec3b>(40, 30);
        var cold = first.At<Vec3b>(100, 140);
        Assert.True(hot.Item2 > hot.Item0 + 40, $"hot cell {hot.Item0},{hot.Item1},{hot.Item2} (BGR)");
        Assert.True(cold.Item0 > cold.Item2 + 40, $"cold cell {cold.Item0},{cold.Item1},{cold.Item2} (BGR)");

        // Frame 60 lies in the ground truth: red border; frame 30 does not.
        var border60 = strip.At<Vec3b>(100, 160 + 1);
        var border30 = strip.At<Vec3b>(100, 1);
        Assert.True(border60.Item2 > 200 && border60.Item0 < 60, $"border of frame 60: {border60.Item0},{border60.Item1},{border60.Item2}");
        Assert.False(border30.Item2 > 200 && border30.Item0 < 60);
    }

    /// <summary>Surprise peaks at frames 30 (8), 60–62 (10) and 80 (6); the truth is 55–70; an episode opens at 60.</summary>
    private static VideoTrace Trace(string video)
    {
        var combined = new double[Frames];
        combined[0] = double.NaN;
        combined[30] = 8;
        combined[60] = 10;
        combined[61] = 9.5;
        combined[62] = 9;
        combined[80] = 6;
        var alerts = Enumerable.Range(0, Frames).Select(t => t is >= 60 and < 64).ToArray();
        var map = new float[64];
        for (var cell = 0; cell < 64; cell++)
        {
            map[cell] = cell / 8 < 4 && cell % 8 < 4 ? 1 : 0; // the top-left quadrant of an 8×8 grid is hot
        }

        var maps = Enumerable.Range(0, Frames).Select(t => t == 0 ? null : new EnergyMap(8, 8, map)).ToArray();
        return new VideoTrace("v", video, [combined, [.. combined.Select(c => c / 2)]], combined, alerts, [new FrameRange(55, 70)], maps);
    }

    private string Video()
    {
        var path = Path.Combine(_dir, "grey.avi");
        using var writer = new VideoWriter(path, FourCC.MJPG, 10, new Size(320, 240));
        using var frame = new Mat(240, 320, MatType.CV_8UC3, new Scalar(128, 128, 128));
        for (var t = 0; t < Frames; t++)
        {
            writer.Write(frame);
        }

        return path;
    }
}
