using System.Text.RegularExpressions;

namespace StreamJepa.Host.Tests.Cli;

public sealed class BenchHttpTests
{
    [Fact]
    public async Task Bench_http_starts_runs_endpoint_and_reports_every_hostile_answer_beside_the_idle_baseline()
    {
        var (exit, output, error) = await CommandRunner.RunAsync("bench", "http", "--requests", "12", "--concurrency", "4");

        Assert.True(exit == 0, error + output);

        // Twelve requests of six hostile kinds, each refused by status (bad body, unauthorised, unknown source, too large).
        var answers = Regex.Match(output, @"12 hostile requests, 4 at a time, in [\d.]+ s; answers: (.+)");
        Assert.True(answers.Success, output);
        var counts = Regex.Matches(answers.Groups[1].Value, @"×(\d+)").Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(12, counts);
        Assert.Contains("401 ×2", answers.Groups[1].Value, StringComparison.Ordinal);
        Assert.Matches(@"/healthz latency, idle endpoint \(baseline\): p50 [\d.]+ ms, p99 [\d.]+ ms \(200 probes, all 200\)", output);
        Assert.Matches(@"/healthz latency, under the hostile load: p50 [\d.]+ ms", output);
    }
}
