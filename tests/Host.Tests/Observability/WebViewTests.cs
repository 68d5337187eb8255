using System.Net;
using System.Text.Json;
using StreamJepa.Host.Tests.Cli;

namespace StreamJepa.Host.Tests.Observability;

public sealed class WebViewTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-web").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_browser_loading_the_page_during_a_run_finds_the_streams_and_an_episode_with_its_evidence()
    {
        var port = LocalHttp.FreePort();
        using var stop = new CancellationTokenSource();
        var run = CommandRunner.RunAsync(
            new WatchedWriter(), stop.Token,
            "run", "--source", "scene=synthetic:seed=3&frames=100000&width=96&height=72&fps=20&anomalyEvery=60&anomalyLength=20&kinds=freeze",
            "--source", "cam=rtsp://admin:s3cret@127.0.0.1:9/live", "--realtime", "--no-learn",
            "--set", $"metrics.listen=127.0.0.1:{port}", "--set", "output.sinks=[\"jsonl\"]",
            "--set", $"evidence.directory={Path.Combine(_dir, "evidence")}", "--set", "evidence.postRollSeconds=0.5",
            "--set", "ingest.reconnect.maxAttempts=1");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            // Wait for a closed episode whose evidence has been written.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            string? annotated = null;
            while (annotated is null)
            {
                Assert.False(run.IsCompleted, "run ended early");
                Assert.True(DateTime.UtcNow < deadline, "no closed episode with evidence in the web view's state within 90 s");
                await Task.Delay(500);
                var state = await LocalHttp.TryGetAsync(http, "api/state");
                annotated = state.Length == 0 ? null : ClosedEpisodeEvidence(state);
                if (annotated is not null && (await http.GetAsync(new Uri($"evidence/{annotated}", UriKind.Relative))).StatusCode != HttpStatusCode.OK)
                {
                    annotated = null;
                }
            }

            await using var chromium = await Chromium.StartAsync();
            await chromium.OpenAsync($"http://127.0.0.1:{port}/");
            Assert.True(await chromium.WaitForAsync(".episode.closed img", TimeSpan.FromSeconds(30)), "the page showed no closed episode with its picture");
            var dom = await chromium.SourceAsync();

            Assert.Contains("data-stream=\"scene\"", dom, StringComparison.Ordinal);
            Assert.Contains("data-stream=\"cam\"", dom, StringComparison.Ordinal);
            Assert.Contains("class=\"episode closed\"", dom, StringComparison.Ordinal);
            Assert.Contains($"/evidence/{annotated}", dom, StringComparison.Ordinal);
            Assert.Contains("rtsp://admin:***@127.0.0.1:9/live", dom, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret", dom, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret", await http.GetStringAsync(new Uri("api/state", UriKind.Relative)), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    [Fact]
    public async Task The_view_only_reads_and_serves_nothing_outside_the_evidence_directory()
    {
        var port = LocalHttp.FreePort();
        using var stop = new CancellationTokenSource();
        var run = CommandRunner.RunAsync(
            new WatchedWriter(), stop.Token,
            "run", "--source", "scene=synthetic:frames=100000&width=96&height=72&fps=20", "--realtime", "--no-learn",
            "--set", $"metrics.listen=127.0.0.1:{port}", "--set", "output.sinks=[\"jsonl\"]", "--set", $"evidence.directory={Path.Combine(_dir, "evidence")}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
        await File.WriteAllTextAsync(Path.Combine(_dir, "secret.jpg"), "not evidence");
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!(await LocalHttp.TryGetAsync(http, "api/state")).Contains("\"pictureFrame\":", StringComparison.Ordinal)
                   || (await http.GetAsync(new Uri("api/frames/scene", UriKind.Relative))).StatusCode != HttpStatusCode.OK)
            {
                Assert.True(DateTime.UtcNow < deadline, "the stream's picture never showed");
                await Task.Delay(300);
            }

            var picture = await http.GetAsync(new Uri("api/frames/scene", UriKind.Relative));
            Assert.Equal("image/jpeg", picture.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("api/frames/nobody", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("evidence/..%2Fsecret.jpg", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("evidence/%2E%2E/secret.jpg", UriKind.Relative))).StatusCode);
            Assert.NotEqual(HttpStatusCode.OK, (await http.PostAsync(new Uri("api/state", UriKind.Relative), new StringContent("{}"))).StatusCode);
            Assert.NotEqual(HttpStatusCode.OK, (await http.DeleteAsync(new Uri("api/frames/scene", UriKind.Relative))).StatusCode);

            Assert.Matches(@"streamjepa_evidence_kept_bytes [1-9]", await http.GetStringAsync(new Uri("metrics", UriKind.Relative)));

            using var events = await http.GetStreamAsync(new Uri("api/events", UriKind.Relative));
            using var reader = new StreamReader(events);
            var line = await reader.ReadLineAsync();
            Assert.StartsWith("data: {", line, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    private static string? ClosedEpisodeEvidence(string state)
    {
        using var json = JsonDocument.Parse(state);
        return json.RootElement.GetProperty("episodes").EnumerateArray()
            .Where(e => e.GetProperty("state").GetString() == "closed" && e.GetProperty("evidence").ValueKind == JsonValueKind.Object)
            .Select(e => e.GetProperty("evidence").GetProperty("annotated").GetString())
            .FirstOrDefault();
    }
}
