using System.Net;
using StreamJepa.Host.Tests.Cli;

namespace StreamJepa.Host.Tests.Observability;

public sealed class RunEndpointTests
{
    [Fact]
    public async Task While_run_scores_it_serves_prometheus_metrics_health_and_readiness()
    {
        var port = LocalHttp.FreePort();
        var run = CommandRunner.RunAsync(
            "run", "--source", "cam=synthetic:frames=400&width=96&height=72&fps=25", "--realtime", "--no-learn",
            "--set", $"metrics.listen=127.0.0.1:{port}", "--set", "output.sinks=[\"jsonl\"]");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };

        string metrics = string.Empty;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!metrics.Contains("streamjepa_surprise_count{level=\"1\"}", StringComparison.Ordinal))
        {
            Assert.False(run.IsCompleted, "run ended before its metrics showed scores");
            Assert.True(DateTime.UtcNow < deadline, "no scores in /metrics within 60 s");
            await Task.Delay(200);
            metrics = await LocalHttp.TryGetAsync(http, "metrics");
        }

        var ready = await http.GetAsync(new Uri("readyz", UriKind.Relative));
        var health = await http.GetAsync(new Uri("healthz", UriKind.Relative));
        var (exit, _, error) = await run;

        Assert.True(exit == 0, error);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("1 of 1 stream(s) delivering frames", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Matches(@"streamjepa_frames_total\{stream=""cam""\} [1-9]\d*", metrics);
        Assert.Matches(@"streamjepa_latency_seconds_count [1-9]\d*", metrics);
        Assert.Contains("streamjepa_stream_up{stream=\"cam\",status=\"running\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("streamjepa_model_version 0", metrics, StringComparison.Ordinal);
        Assert.Matches(@"streamjepa_stream_surprise\{stream=""cam"",level=""1""\} -?\d", metrics);
        Assert.Contains("streamjepa_episodes_open{stream=\"cam\"}", metrics, StringComparison.Ordinal);
        Assert.Matches(@"streamjepa_build_info\{version=""[^""]+"",runtime="".NET [^""]+""\} 1", metrics);
        Assert.Matches(@"process_cpu_seconds_total [0-9.]+", metrics);
        Assert.DoesNotMatch(@"# TYPE streamjepa_\w+(?<!_total) counter", metrics);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(new Uri("metrics", UriKind.Relative)));
    }

    [Fact]
    public async Task Sources_are_added_and_removed_while_the_others_keep_being_scored()
    {
        var port = LocalHttp.FreePort();
        var scores = Path.Combine(Path.GetTempPath(), $"sj-sources-{Guid.NewGuid():N}.jsonl");
        try
        {
            var run = CommandRunner.RunAsync(
                "run", "--source", "first=synthetic:frames=100000&width=96&height=72&fps=25", "--realtime", "--no-learn", "--scores", scores,
                "--set", $"metrics.listen=127.0.0.1:{port}", "--set", "output.sinks=[\"jsonl\"]");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
            await WaitUntilAsync(async () => (await LocalHttp.TryGetAsync(http, "sources")).Contains("\"running\"", StringComparison.Ordinal), run);

            var bad = await http.PostAsync(new Uri("sources", UriKind.Relative), new StringContent("x=ftp://nowhere/clip"));
            var added = await http.PostAsync(new Uri("sources", UriKind.Relative), new StringContent("second=synthetic:frames=100000&width=96&height=72&fps=25"));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            await WaitUntilAsync(() => Task.FromResult(Frames(scores, "second") >= 20), run);

            Assert.Equal(HttpStatusCode.OK, (await http.DeleteAsync(new Uri("sources/first", UriKind.Relative))).StatusCode);
            var firstAtRemoval = Frames(scores, "first");
            await WaitUntilAsync(() => Task.FromResult(Frames(scores, "second") >= 60), run);
            Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync(new Uri("sources/first", UriKind.Relative))).StatusCode);
            Assert.True(Frames(scores, "first") <= firstAtRemoval + 20, "the removed source stopped (frames in flight at removal are still scored)");

            Assert.Equal(HttpStatusCode.OK, (await http.DeleteAsync(new Uri("sources/second", UriKind.Relative))).StatusCode);
            var (exit, _, error) = await run;
            Assert.True(exit == 0, error);
        }
        finally
        {
            File.Delete(scores);
        }
    }

    [Theory]
    [InlineData("rtsp://admin:s3cret@cam.local:554/1", "rtsp://admin:***@cam.local:554/1")]
    [InlineData("rtsp://cam.local/1", "rtsp://cam.local/1")]
    [InlineData("data/samples/vtest.avi", "data/samples/vtest.avi")]
    public void Source_listings_never_show_a_url_password(string target, string shown) =>
        Assert.Equal(shown, StreamJepa.Ingest.Sources.SourceDescriptor.Redact(target));

    private static int Frames(string scores, string stream) =>
        !File.Exists(scores) ? 0 : File.ReadLines(scores).Count(l => l.Contains($"\"stream\":\"{stream}\"", StringComparison.Ordinal));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Task run)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.False(run.IsCompleted, "run ended early");
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 60 s");
            await Task.Delay(100);
        }
    }
}
