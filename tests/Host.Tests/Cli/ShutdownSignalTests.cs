using System.Diagnostics;
using System.Globalization;

namespace StreamJepa.Host.Tests.Cli;

public sealed class ShutdownSignalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-signals").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_second_SIGTERM_ends_the_run_at_once_while_the_first_waits_on_a_broker_that_is_down()
    {
        var scores = Path.Combine(_dir, "scores.jsonl");
        using var run = ChildProcess.Start(
            [
                "run", "--source", "live=synthetic:frames=100000&width=96&height=72&fps=25", "--realtime", "--no-learn", "--scores", scores,
                "--set", "kafka.bootstrapServers=127.0.0.1:1", "--set", $"kafka.journalDirectory={Path.Combine(_dir, "journal")}",
                "--set", "kafka.flushTimeoutSeconds=120",
            ]);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!File.Exists(scores) || File.ReadLines(scores).Count() < 20)
            {
                Assert.False(run.HasExited, "run ended before it was stopped");
                Assert.True(DateTime.UtcNow < deadline, "no scores within 90 s");
                await Task.Delay(100);
            }

            Signal(run);
            await Task.Delay(1000);
            Assert.False(run.HasExited, "the first signal waits for the flush to a broker that is down (up to 120 s)");
            Signal(run);

            Assert.True(run.WaitForExit(TimeSpan.FromSeconds(20)), "run still running 20 s after the second signal");
        }
        finally
        {
            if (!run.HasExited)
            {
                run.Kill(entireProcessTree: true);
            }
        }

        Assert.Equal(130, run.ExitCode);
    }

    private static void Signal(Process run) =>
        Process.Start("kill", ["-TERM", run.Id.ToString(CultureInfo.InvariantCulture)]).WaitForExit();
}
