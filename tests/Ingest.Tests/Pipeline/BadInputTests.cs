using Microsoft.Extensions.Logging.Abstractions;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Ingest.Tests.Support;

namespace StreamJepa.Ingest.Tests.Pipeline;

public sealed class BadInputTests : IDisposable
{
    private static readonly IngestOptions Options = new() { Width = 32, Height = 32 };
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-bad").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string> BadSources => new()
    {
        { "missing", "file not found" },
        { "empty", "file is empty" },
        { "random", "OpenCV's FFmpeg" },
        { "scheme", "unsupported URL scheme 'gopher'" },
        { "nofolder", "folder not found" },
        { "noimages", "folder holds no images" },
        { "camera", "camera index" },
    };

    [Fact]
    public async Task AnUnreachableUrlWithCredentials_NeverShowsThePassword()
    {
        var collector = new FrameCollector();
        var options = Options with { OpenTimeoutMs = 2000, Reconnect = new ReconnectOptions { InitialDelayMs = 10, MaxDelayMs = 10, MaxAttempts = 1 } };
        using var pipeline = new IngestPipeline(options, collector.Block, TimeProvider.System, NullLoggerFactory.Instance);

        var stats = pipeline.Add(new SourceOptions { Id = "cam", Uri = "rtsp://admin:hunter2@127.0.0.1:9/stream" });
        await pipeline.WhenSourcesDoneAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(StreamStatus.Failed, stats.Status);
        Assert.Contains("rtsp://admin:***@127.0.0.1:9/stream", stats.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", stats.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", stats.Target, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadSources))]
    public async Task BadSource_FailsWithOneClearError_OtherStreamsRunToTheEnd(string kind, string expected)
    {
        var uri = Prepare(kind);
        var good = NumberedVideo.Write(_dir, frames: 50);
        var collector = new FrameCollector();
        using var pipeline = new IngestPipeline(Options, collector.Block, TimeProvider.System, NullLoggerFactory.Instance);

        var bad = pipeline.Add(new SourceOptions { Id = "bad", Uri = uri });
        var ok = pipeline.Add(new SourceOptions { Id = "good", Uri = good });
        await pipeline.WhenSourcesDoneAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await collector.CompleteAsync();

        Assert.Equal(StreamStatus.Failed, bad.Status);
        Assert.Equal(1, bad.Errors);
        Assert.StartsWith("source 'bad': ", bad.LastError, StringComparison.Ordinal);
        Assert.Contains(expected, bad.LastError, StringComparison.Ordinal);
        Assert.Equal(StreamStatus.Ended, ok.Status);
        Assert.Equal(50, collector.Of("good").Count);
        Assert.Empty(collector.Of("bad"));
    }

    private string Prepare(string kind)
    {
        switch (kind)
        {
            case "missing":
                return Path.Combine(_dir, "missing.avi");
            case "empty":
                var empty = Path.Combine(_dir, "empty.mp4");
                File.WriteAllBytes(empty, []);
                return empty;
            case "random":
                var random = Path.Combine(_dir, "random.avi");
                var bytes = new byte[200_000];
                new Random(5).NextBytes(bytes);
                File.WriteAllBytes(random, bytes);
                return random;
            case "scheme":
                return "gopher://example.org/cam";
            case "nofolder":
                return "folder:" + Path.Combine(_dir, "nowhere");
            case "noimages":
                var folder = Directory.CreateDirectory(Path.Combine(_dir, "texts")).FullName;
                File.WriteAllText(Path.Combine(folder, "a.txt"), "x");
                return "folder:" + folder;
            default:
                return "camera:front";
        }
    }
}
