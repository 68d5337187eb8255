using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using StreamJepa.Core.Frames;
using StreamJepa.Core.Results;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Evidence;
using StreamJepa.Ingest.Pipeline;

namespace StreamJepa.Ingest.Tests.Evidence;

public sealed class EvidenceWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-evidence").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_closed_episode_gets_its_peak_frame_an_annotated_copy_and_a_clip_with_pre_and_post_roll()
    {
        var options = new EvidenceOptions { Directory = Path.Combine(_dir, "evidence"), Fps = 10, PreRollSeconds = 1, PostRollSeconds = 1 };
        var (streams, stats) = Stream(options, "cam 1");
        await using var writer = new EvidenceWriter(options, streams, TimeProvider.System, NullLogger.Instance);

        // 60 frames at 10 fps; a bright square from frame 30 to 39 is the episode, its peak at frame 35.
        var opened = Episode("opened", 30, null) with { PeakFrame = 30 };
        var files = writer.FilesOf(opened)!;
        for (var i = 0; i < 60; i++)
        {
            Decode(stats, i, bright: i is >= 30 and < 40);
            if (i == 32)
            {
                writer.OnEpisode(opened with { Evidence = files });
            }

            if (i == 40)
            {
                writer.OnEpisode(Episode("closed", 30, 39) with { PeakFrame = 35, Evidence = files, Box = new PixelBox(16, 16, 16, 16), PeakMap = new EnergyMap(2, 2, [0, 1, 0, 0]) });
            }

            writer.OnScore(new FrameScore("cam 1", i, i * 100.0, 0, [], false, 1));
        }

        await writer.CompleteAsync();

        Assert.Equal((1, 0, 0), (writer.Written, writer.Dropped, writer.Failed));
        Assert.StartsWith("cam_1/", files.Snapshot, StringComparison.Ordinal);
        using var snapshot = Cv2.ImRead(Path.Combine(options.Directory, files.Snapshot));
        using var annotated = Cv2.ImRead(Path.Combine(options.Directory, files.Annotated));
        Assert.Equal(new Size(64, 48), snapshot.Size());
        Assert.True(snapshot.At<Vec3b>(24, 24).Item0 > 200, "the snapshot is the peak frame, with the square");
        Assert.True(Cv2.Norm(snapshot, annotated, NormTypes.L1) > 0, "the annotated copy has the map and box drawn");

        using var clip = new VideoCapture(Path.Combine(options.Directory, files.Clip));
        using var frame = new Mat();
        var count = 0;
        while (clip.Read(frame) && !frame.Empty())
        {
            count++;
        }

        Assert.Equal(30, count);    // frames 20 to 49: 1 s before the start, the episode, 1 s after the end
    }

    [Fact]
    public async Task While_an_episode_is_open_every_frame_is_kept_so_the_snapshot_is_the_peak_itself()
    {
        var options = new EvidenceOptions { Directory = Path.Combine(_dir, "evidence"), Fps = 2, PreRollSeconds = 1, PostRollSeconds = 1 };
        var (streams, stats) = Stream(options, "cam 1");
        await using var writer = new EvidenceWriter(options, streams, TimeProvider.System, NullLogger.Instance);
        var opened = Episode("opened", 30, null);
        var files = writer.FilesOf(opened)!;

        // A 10 fps source whose every frame has its own grey level (4 × its index); the episode's peak is frame 35.
        for (var i = 0; i < 60; i++)
        {
            using var picture = new Mat(48, 64, MatType.CV_8UC3, Scalar.All(4 * i));
            stats.Evidence!.Offer(new FrameHeader("cam 1", i, i * 100.0, true, 64, 48, 0), picture);
            if (i == 31)
            {
                writer.OnEpisode(opened with { Evidence = files });
            }

            if (i == 40)
            {
                writer.OnEpisode(Episode("closed", 30, 39) with { PeakFrame = 35, Evidence = files });
            }

            writer.OnScore(new FrameScore("cam 1", i, i * 100.0, 0, [], false, 1));
        }

        await writer.CompleteAsync();

        using var snapshot = Cv2.ImRead(Path.Combine(options.Directory, files.Snapshot));
        Assert.InRange(snapshot.At<Vec3b>(24, 32).Item0, 4 * 35 - 3, 4 * 35 + 3);
        using var clip = new VideoCapture(Path.Combine(options.Directory, files.Clip));
        using var frame = new Mat();
        var levels = new List<int>();
        while (clip.Read(frame) && !frame.Empty())
        {
            levels.Add(frame.At<Vec3b>(24, 32).Item0 / 4);
        }

        // Two frames a second from 1 s before the start (frame 20) to 1 s after the end (frame 49), evenly spaced.
        Assert.InRange(levels.Count, 5, 7);
        Assert.All(levels.Zip(levels.Skip(1)), p => Assert.InRange(p.Second - p.First, 4, 6));
    }

    [Fact]
    public async Task A_folder_that_cannot_be_written_costs_that_episode_only()
    {
        var options = new EvidenceOptions { Directory = Path.Combine(_dir, "evidence"), Fps = 10, PreRollSeconds = 0, PostRollSeconds = 0 };
        var (streams, blocked) = Stream(options, "blocked");
        var fine = streams.Register("fine", "synthetic");
        fine.Evidence = new FrameRing(options);
        await using var writer = new EvidenceWriter(options, streams, TimeProvider.System, NullLogger.Instance);
        await File.WriteAllTextAsync(Path.Combine(options.Directory, "blocked"), "a file where the stream's folder would go");

        foreach (var (stats, id) in new[] { (blocked, "blocked"), (fine, "fine") })
        {
            var episode = Episode("closed", 0, 0) with { Stream = id };
            Decode(stats, 0, bright: true);
            writer.OnEpisode(episode with { Evidence = writer.FilesOf(episode) });
            writer.OnScore(new FrameScore(id, 1, 100, 0, [], false, 1));
            await Task.Delay(200);
        }

        await writer.CompleteAsync();

        Assert.Equal((1, 1), (writer.Written, writer.Failed));
    }

    [Fact]
    public void A_directory_that_cannot_be_made_is_refused_by_name()
    {
        var file = Path.Combine(_dir, "not-a-folder");
        File.WriteAllText(file, "x");
        var options = new EvidenceOptions { Directory = Path.Combine(file, "evidence") };

        var ex = Assert.Throws<IOException>(() => new EvidenceWriter(options, new StreamDirectory(TimeProvider.System), TimeProvider.System, NullLogger.Instance));

        Assert.Contains(Path.Combine(file, "evidence"), ex.Message, StringComparison.Ordinal);
    }

    private static (StreamDirectory Streams, StreamStats Stats) Stream(EvidenceOptions options, string id)
    {
        var streams = new StreamDirectory(TimeProvider.System);
        var stats = streams.Register(id, "synthetic");
        stats.Evidence = new FrameRing(options);
        return (streams, stats);
    }

    private static void Decode(StreamStats stats, long sequence, bool bright)
    {
        using var picture = new Mat(48, 64, MatType.CV_8UC3, Scalar.All(40));
        if (bright)
        {
            picture[new Rect(16, 16, 16, 16)].SetTo(Scalar.All(250));
        }

        stats.Evidence!.Offer(new FrameHeader(stats.StreamId, sequence, sequence * 100.0, true, 64, 48, 0), picture);
    }

    private static AnomalyEpisode Episode(string state, long start, long? end) =>
        new("cam 1", "01a24de0-459d-7f3f-b59d-802f74e78bc9", 1, state, start, end, start * 100.0, end * 100.0, (end ?? start) - start + 1, 9, [], [1], [], 1)
        { SourceWidth = 64, SourceHeight = 48 };
}
