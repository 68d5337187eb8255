using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Ingest.Tests.Support;

namespace StreamJepa.Ingest.Tests.Pipeline;

public sealed class IngestPipelineTests : IDisposable
{
    private static readonly IngestOptions Options = new() { Width = 32, Height = 32, Mean = [0f, 0f, 0f], Std = [1f, 1f, 1f] };
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-ingest").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task File_EveryFrameArrivesOnceInOrder_WithContainerTimestampsAndContent()
    {
        var path = NumberedVideo.Write(_dir, frames: 60, fps: 25);
        var collector = new FrameCollector();

        var stats = await RunAsync(collector, new SourceOptions { Id = "clip", Uri = path });

        var received = collector.Received;
        Assert.Equal(StreamStatus.Ended, stats[0].Status);
        Assert.Equal(60, stats[0].Frames);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), received.Select(r => r.Header.Sequence));
        for (var i = 0; i < 60; i++)
        {
            var (header, mean) = received[i];
            Assert.Equal("clip", header.StreamId);
            Assert.True(header.PtsFromContainer);
            Assert.Equal(i * 40.0, header.PtsMs, 1);
            Assert.Equal((160, 120), (header.SourceWidth, header.SourceHeight));
            Assert.Equal(NumberedVideo.Level(i) / 255.0, mean, 0.02);
        }
    }

    [Fact]
    public async Task A_looped_file_plays_again_from_its_start_with_frame_numbers_and_times_going_on()
    {
        var path = NumberedVideo.Write(_dir, frames: 10, fps: 25);
        var collector = new FrameCollector(capacity: 1000);
        using var pipeline = new IngestPipeline(Options, collector.Block, TimeProvider.System, NullLoggerFactory.Instance);
        pipeline.Add(new SourceOptions { Id = "loop", Uri = path, Loop = true });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (collector.Received.Count < 35 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        pipeline.Stop();
        await pipeline.WhenSourcesDoneAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await collector.CompleteAsync();

        var received = collector.Received;
        Assert.True(received.Count >= 35, $"{received.Count} frames");
        Assert.Equal(Enumerable.Range(0, received.Count).Select(i => (long)i), received.Select(r => r.Header.Sequence));
        Assert.Equal(Enumerable.Range(0, received.Count).Select(i => i * 40.0), received.Select(r => r.Header.PtsMs), new Tolerance(1));
        Assert.Equal(NumberedVideo.Level(3) / 255.0, received[23].Mean, 0.02);     // frame 23 is the third pass's frame 3
    }

    [Fact]
    public async Task Finished_streams_are_forgotten_once_finished_longer_than_the_retention_running_ones_never()
    {
        var time = new FakeTimeProvider();
        var collector = new FrameCollector(capacity: 64);
        using var pipeline = new IngestPipeline(Options, collector.Block, time, NullLoggerFactory.Instance, directory: new StreamDirectory(time) { KeepFinishedFor = TimeSpan.FromMinutes(10) });
        var early = pipeline.Add(new SourceOptions { Id = "early", Uri = "synthetic:frames=3&width=32&height=32" });
        await pipeline.WhenSourcesDoneAsync();
        time.Advance(TimeSpan.FromMinutes(6));
        var late = pipeline.Add(new SourceOptions { Id = "late", Uri = "synthetic:frames=3&width=32&height=32" });
        await pipeline.WhenSourcesDoneAsync();
        var running = pipeline.Add(new SourceOptions { Id = "running", Uri = "synthetic:frames=100000&fps=50&width=32&height=32", Realtime = true });

        Assert.Equal(["early", "late", "running"], pipeline.Streams.Select(s => s.StreamId));
        time.Advance(TimeSpan.FromMinutes(5));                 // early finished 11 minutes ago, late 5
        Assert.Equal(["late", "running"], pipeline.Streams.Select(s => s.StreamId));
        time.Advance(TimeSpan.FromMinutes(60));
        Assert.Equal(["running"], pipeline.Streams.Select(s => s.StreamId));
        Assert.Equal((StreamStatus.Ended, StreamStatus.Ended), (early.Status, late.Status));
        Assert.True(pipeline.Remove(running.StreamId));
    }

    [Fact]
    public async Task Remove_StopsOneSourceWhileTheOthersGoOn()
    {
        var collector = new FrameCollector(capacity: 64);
        using var pipeline = new IngestPipeline(Options, collector.Block, TimeProvider.System, NullLoggerFactory.Instance);
        var kept = pipeline.Add(new SourceOptions { Id = "kept", Uri = "synthetic:frames=100000&fps=50&width=64&height=48", Realtime = true });
        var removed = pipeline.Add(new SourceOptions { Id = "removed", Uri = "synthetic:frames=100000&fps=50&width=64&height=48", Realtime = true });
        while (collector.Of("removed").Count < 5 || collector.Of("kept").Count < 5)
        {
            await Task.Delay(20);
        }

        Assert.True(pipeline.Remove("removed"));
        while (removed.Status != StreamStatus.Stopped)
        {
            await Task.Delay(20);
        }

        var removedFrames = collector.Of("removed").Count;
        var keptFrames = kept.Frames;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);     // 10 frames take 0.2 s; a loaded machine, longer
        while (kept.Frames < keptFrames + 10 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(StreamStatus.Running, kept.Status);
        Assert.True(kept.Frames >= keptFrames + 10, $"the kept stream went on: {keptFrames} -> {kept.Frames}");
        Assert.Equal(removedFrames, collector.Of("removed").Count);
        Assert.False(pipeline.Remove("removed"));
        Assert.False(pipeline.Remove("never-added"));
        pipeline.Stop();
        await pipeline.WhenSourcesDoneAsync();
    }

    [Fact]
    public async Task File_SlowConsumer_BackpressureLosesNoFrame()
    {
        var path = NumberedVideo.Write(_dir, frames: 40);
        var collector = new FrameCollector(capacity: 1, delay: TimeSpan.FromMilliseconds(15));

        var stats = await RunAsync(collector, new SourceOptions { Uri = path });

        Assert.Equal(0, stats[0].Dropped);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), collector.Received.Select(r => r.Header.Sequence));
    }

    [Fact]
    public async Task Realtime_SlowConsumer_DropsOldestAndCountsEveryDrop()
    {
        var collector = new FrameCollector(capacity: 1, delay: TimeSpan.FromMilliseconds(30));
        var dropped = new List<long>();
        var source = new SourceOptions { Id = "live", Uri = "synthetic:frames=120&fps=200&width=64&height=48", Realtime = true };

        using var pipeline = new IngestPipeline(Options with { LiveQueueCapacity = 2 }, collector.Block, TimeProvider.System, NullLoggerFactory.Instance);
        var stats = pipeline.Add(source);
        stats.FrameDropped += h => { lock (dropped) { dropped.Add(h.Sequence); } };
        await pipeline.WhenSourcesDoneAsync();
        await collector.CompleteAsync();

        var delivered = collector.Of("live").Select(h => h.Sequence).ToList();
        Assert.True(stats.Dropped > 0, "a consumer 6x slower than the source must cause drops");
        Assert.Equal(120, stats.Frames);
        Assert.Equal(stats.Dropped, dropped.Count);
        Assert.Equal(Enumerable.Range(0, 120).Select(i => (long)i), delivered.Concat(dropped).Order());
        Assert.Equal(delivered.Order(), delivered);
        Assert.Equal(119, delivered[^1]);
    }

    [Fact]
    public async Task DamagedSample_IsReadToItsEnd_WithTimesThatOnlyGoForward()
    {
        var collector = new FrameCollector();

        var stats = await RunAsync(collector, new SourceOptions { Id = "bugy", Uri = RepoFiles.Sample("Megamind_bugy.avi") });

        Assert.Equal(StreamStatus.Ended, stats[0].Status);
        Assert.Equal(270, stats[0].Frames + stats[0].Damaged);
        Assert.Equal(stats[0].Frames, collector.Received.Count);

        // Its container's timestamps fall back to 0 near the end: episode times and live pacing need them to go on.
        var times = collector.Received.Select(r => r.Header.PtsMs).ToList();
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"time went from {pair.First} ms to {pair.Second} ms"));
    }

    [Fact]
    public async Task ImageFolder_SortedByName_TimedByFps()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "images")).FullName;
        foreach (var i in new[] { 3, 0, 4, 1, 2 })
        {
            using var image = new OpenCvSharp.Mat(20, 30, OpenCvSharp.MatType.CV_8UC3, OpenCvSharp.Scalar.All(NumberedVideo.Level(i)));
            OpenCvSharp.Cv2.ImWrite(Path.Combine(folder, $"shot{i:000}.png"), image);
        }

        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");
        var collector = new FrameCollector();

        var stats = await RunAsync(collector, new SourceOptions { Uri = "folder:" + folder, Fps = 5 });

        Assert.Equal("images", stats[0].StreamId);
        Assert.Equal([0.0, 200, 400, 600, 800], collector.Received.Select(r => r.Header.PtsMs));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => NumberedVideo.Level(i) / 255.0), collector.Received.Select(r => (double)r.Mean), new Tolerance(0.01));
    }

    [Fact]
    public async Task ManySources_EachCountedSeparately_DuplicateIdsMadeUnique()
    {
        var path = NumberedVideo.Write(_dir, frames: 30);
        var collector = new FrameCollector();

        var stats = await RunAsync(
            collector,
            new SourceOptions { Uri = path },
            new SourceOptions { Uri = path },
            new SourceOptions { Id = "scene", Uri = "synthetic:frames=25&width=64&height=48" });

        Assert.Equal(["numbered", "numbered-2", "scene"], stats.Select(s => s.StreamId).Order());
        Assert.Equal(30, collector.Of("numbered").Count);
        Assert.Equal(30, collector.Of("numbered-2").Count);
        Assert.Equal(25, collector.Of("scene").Count);
    }

    [Fact]
    public async Task Stop_EndsEndlessSources()
    {
        var collector = new FrameCollector();
        using var pipeline = new IngestPipeline(Options, collector.Block, TimeProvider.System, NullLoggerFactory.Instance);
        var stats = pipeline.Add(new SourceOptions { Uri = "synthetic:frames=0&width=64&height=48" });
        while (stats.Frames < 10)
        {
            await Task.Delay(10);
        }

        pipeline.Stop();
        await pipeline.WhenSourcesDoneAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await collector.CompleteAsync();

        Assert.Equal(StreamStatus.Stopped, stats.Status);
        Assert.Equal(0, pipeline.Pool.InUse);
    }

    private static async Task<IReadOnlyList<StreamStats>> RunAsync(FrameCollector collector, params SourceOptions[] sources)
    {
        using var pipeline = new IngestPipeline(Options, collector.Block, TimeProvider.System, NullLoggerFactory.Instance);
        var stats = sources.Select(pipeline.Add).ToList();
        await pipeline.WhenSourcesDoneAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await collector.CompleteAsync();
        Assert.Equal(0, pipeline.Pool.InUse);
        return stats;
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }
}
