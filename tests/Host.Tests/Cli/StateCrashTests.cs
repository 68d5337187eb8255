using System.Collections.Concurrent;
using System.Diagnostics;
using StreamJepa.Model;

namespace StreamJepa.Host.Tests.Cli;

public sealed class StateCrashTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-state-crash").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task RunKilledWhileWritingItsState_TheNextRunGoesOnFromAStateThatLoads()
    {
        var state = Path.Combine(_dir, "state");
        var newest = Path.Combine(state, "model.ckpt");
        var random = new Random(5);
        long lastStep = 0;
        for (var round = 0; round < 3; round++)
        {
            var output = new ConcurrentQueue<string>();
            using var run = ChildProcess.Start(
                [
                    "run", "--source", "cam=synthetic:frames=100000&fps=50&width=64&height=48&anomalyEvery=0", "--realtime", "--plain",
                    "--set", "output.sinks=[\"jsonl\"]", "--set", "training.cpuShare=1", "--set", "training.stepsPerProposal=2",
                    "--set", $"training.stateDirectory={state}", "--set", "training.stateEverySeconds=1", .. SmallModel.Training,
                ],
                output.Enqueue);
            await WaitForNewerStateAsync(newest, lastStep, run, output);
            await Task.Delay(random.Next(50, 900));     // a random moment of a run that writes its state every second
            run.Kill(entireProcessTree: true);
            await run.WaitForExitAsync();

            if (round > 0)
            {
                Assert.Contains(output, l => l.StartsWith("state: resuming model version", StringComparison.Ordinal));
            }

            var (model, header) = Checkpoint.Load(newest);
            model.Dispose();
            Assert.True(header.Step >= lastStep, $"round {round}: the state went back from step {lastStep} to {header.Step}");
            lastStep = header.Step;
        }
    }

    private static async Task WaitForNewerStateAsync(string path, long step, Process run, ConcurrentQueue<string> output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            Assert.False(run.HasExited, $"run exited early with code {(run.HasExited ? run.ExitCode : 0)}: {string.Join('\n', output)}");
            Assert.True(DateTime.UtcNow < deadline, $"no newer state within 90 s: {string.Join('\n', output)}");
            try
            {
                if (File.Exists(path) && Checkpoint.ReadHeader(path).Step > step)
                {
                    return;
                }
            }
            catch (CheckpointException)
            {
                Assert.Fail("a state file was readable only in part: the write was not atomic");
            }

            await Task.Delay(50);
        }
    }
}
