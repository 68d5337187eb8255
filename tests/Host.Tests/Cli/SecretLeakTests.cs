using System.Diagnostics;
using System.Text;

namespace StreamJepa.Host.Tests.Cli;

/// <summary>Secrets given to a run in a URL's user info, its query string or an env: Kafka property never show.</summary>
public sealed class SecretLeakTests
{
    private static readonly string[] Secrets = ["pw-Secret1", "tok-Secret2", "env-Secret3"];

    [Fact]
    public async Task No_secret_reaches_the_logs_the_summaries_sources_or_metrics()
    {
        var port = LocalHttp.FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment["SJ_TEST_KAFKA_PASSWORD"] = "env-Secret3";
        foreach (var arg in (string[])
        [
            Path.Combine(AppContext.BaseDirectory, "streamjepa.dll"), "run", "--plain", "--no-learn", "--duration", "8", "--summary-interval", "1",
            "--source", "cam=http://viewer:pw-Secret1@127.0.0.1:9/live.ts?token=tok-Secret2",
            "--source", "scene=synthetic:frames=100000&width=96&height=72",
            "--set", "kafka.properties.sasl.password=env:SJ_TEST_KAFKA_PASSWORD",
            "--set", $"metrics.listen=127.0.0.1:{port}", "--set", "ingest.openTimeoutMs=500",
        ])
        {
            info.ArgumentList.Add(arg);
        }

        var printed = new StringBuilder();
        using var run = Process.Start(info)!;
        run.OutputDataReceived += (_, e) => { lock (printed) { printed.AppendLine(e.Data); } };
        run.ErrorDataReceived += (_, e) => { lock (printed) { printed.AppendLine(e.Data); } };
        run.BeginOutputReadLine();
        run.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
        var served = new StringBuilder();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!served.ToString().Contains("viewer", StringComparison.Ordinal) && DateTime.UtcNow < deadline && !run.HasExited)
        {
            await Task.Delay(500);
            served.Append(await LocalHttp.TryGetAsync(http, "sources")).Append(await LocalHttp.TryGetAsync(http, "metrics"));
        }

        Assert.True(run.WaitForExit(TimeSpan.FromSeconds(60)), "run did not finish");
        run.WaitForExit();
        var everything = printed + served.ToString();
        Assert.Contains("viewer:***@127.0.0.1", served.ToString(), StringComparison.Ordinal);   // the source was listed, masked
        Assert.Contains("cam", printed.ToString(), StringComparison.Ordinal);                   // and summarised
        Assert.All(Secrets, secret => Assert.DoesNotContain(secret, everything, StringComparison.Ordinal));
    }
}
