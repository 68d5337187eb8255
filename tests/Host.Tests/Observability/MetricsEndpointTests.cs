using System.Net;
using System.Net.Sockets;
using StreamJepa.Host.Tests.Cli;

namespace StreamJepa.Host.Tests.Observability;

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task While_run_scores_it_serves_prometheus_metrics_health_and_readiness()
    {
        var port = FreePort();
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
            metrics = await TryGetAsync(http, "metrics");
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
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(new Uri("metrics", UriKind.Relative)));
    }

    private static async Task<string> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            return await http.GetStringAsync(new Uri(path, UriKind.Relative));
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
