using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Ingest.Tests.Support;

namespace StreamJepa.Ingest.Tests.Pipeline;

public sealed class LiveSourceTests : IDisposable
{
    private static readonly IngestOptions Options = new()
    {
        Width = 32,
        Height = 32,
        OpenTimeoutMs = 2_000,
        ReadTimeoutMs = 2_000,
        Reconnect = new ReconnectOptions { InitialDelayMs = 100, MaxDelayMs = 500 },
    };

    private readonly string _dir = Directory.CreateTempSubdirectory("sj-live").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task HttpStream_ServerKilledAndRestarted_SourceReconnectsAndGoesOn()
    {
        var clip = NumberedVideo.Write(_dir, frames: 50, fps: 25);
        using var server = new FfmpegServer(clip);
        server.Start();
        var collector = new FrameCollector();
        using var pipeline = new IngestPipeline(Options, collector.Block, TimeProvider.System, NullLoggerFactory.Instance);

        var stats = pipeline.Add(new SourceOptions { Id = "cam", Uri = server.Url });
        await WaitUntil(() => stats.Frames >= 20, TimeSpan.FromSeconds(30));
        server.Kill();
        await WaitUntil(() => stats.Reconnects >= 1, TimeSpan.FromSeconds(15));
        var framesAtOutage = stats.Frames;
        server.Start();
        await WaitUntil(() => stats.Frames >= framesAtOutage + 20, TimeSpan.FromSeconds(30));
        pipeline.Stop();
        await pipeline.WhenSourcesDoneAsync().WaitAsync(TimeSpan.FromSeconds(15));
        await collector.CompleteAsync();

        Assert.Equal(StreamStatus.Stopped, stats.Status);
        var sequences = collector.Of("cam").Select(h => h.Sequence).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.All(collector.Of("cam"), h => Assert.False(h.PtsFromContainer));
        Assert.True(stats.Frames == sequences.Count + stats.Dropped, $"frames {stats.Frames}, delivered {sequences.Count}, dropped {stats.Dropped}, reconnects {stats.Reconnects}");
    }

    [Fact]
    public async Task UrlWithPassword_Streams_WithoutThePasswordOnAnyCommandLine()
    {
        const string password = "s3cr@t-pw";
        var clip = NumberedVideo.Write(_dir, frames: 50, fps: 25);
        using var server = new FfmpegServer(clip);
        server.Start();
        var collector = new FrameCollector();
        using var pipeline = new IngestPipeline(Options, collector.Block, TimeProvider.System, NullLoggerFactory.Instance);
        var url = server.Url.Replace("http://", $"http://viewer:{password}@", StringComparison.Ordinal);

        var stats = pipeline.Add(new SourceOptions { Id = "cam", Uri = url });
        var commandLines = new List<string>();
        await WaitUntil(
            () =>
            {
                commandLines.AddRange(ChildCommandLines());
                return stats.Frames >= 20;
            },
            TimeSpan.FromSeconds(30));
        pipeline.Stop();
        await pipeline.WhenSourcesDoneAsync().WaitAsync(TimeSpan.FromSeconds(15));
        await collector.CompleteAsync();

        Assert.Contains(commandLines, c => c.Contains("concat", StringComparison.Ordinal));
        Assert.DoesNotContain(commandLines, c => c.Contains(password, StringComparison.Ordinal));
        Assert.DoesNotContain(password, stats.Target, StringComparison.Ordinal);
        var leftBehind = Directory.EnumerateFiles(Path.GetTempPath(), "*.ffconcat", SearchOption.AllDirectories);
        Assert.DoesNotContain(leftBehind, f => File.ReadAllText(f).Contains(password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeadUrl_OpenTimesOutAndRetries_InsteadOfBlocking()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = new List<Socket>();
        var acceptLoop = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await silent.AcceptSocketAsync());
                }
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        });
        var collector = new FrameCollector();
        using var pipeline = new IngestPipeline(Options with { OpenTimeoutMs = 500 }, collector.Block, TimeProvider.System, NullLoggerFactory.Instance);

        var stats = pipeline.Add(new SourceOptions { Id = "dead", Uri = $"http://127.0.0.1:{port}/never" });
        await WaitUntil(() => stats.Errors >= 2, TimeSpan.FromSeconds(20));
        pipeline.Stop();
        await pipeline.WhenSourcesDoneAsync().WaitAsync(TimeSpan.FromSeconds(10));
        silent.Stop();
        await acceptLoop;
        accepted.ForEach(s => s.Dispose());

        Assert.Equal(StreamStatus.Stopped, stats.Status);
        Assert.Contains("source 'dead': cannot open", stats.LastError, StringComparison.Ordinal);
        Assert.Equal(0, stats.Frames);
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met within {timeout.TotalSeconds} s");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Command lines of the ffmpeg processes this test process started, as <c>ps</c> would show them.</summary>
    private static IEnumerable<string> ChildCommandLines()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            string stat, cmdline;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && fields[1] == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) && cmdline.Contains("ffmpeg", StringComparison.Ordinal))
            {
                yield return cmdline;
            }
        }
    }
}
