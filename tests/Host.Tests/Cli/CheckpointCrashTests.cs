using System.Diagnostics;
using StreamJepa.Model;

namespace StreamJepa.Host.Tests.Cli;

public sealed class CheckpointCrashTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-crash").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task TrainKilledWhileCheckpointing_TheCheckpointStillLoads()
    {
        var checkpoint = Path.Combine(_dir, "model.ckpt");
        var random = new Random(4);
        long lastStep = 0;
        for (var round = 0; round < 3; round++)
        {
            using var train = Start(checkpoint, resume: round > 0);
            await WaitForNewerCheckpointAsync(checkpoint, lastStep, train);
            await Task.Delay(random.Next(50, 400));
            train.Kill(entireProcessTree: true);
            await train.WaitForExitAsync();

            var (model, header) = Checkpoint.Load(checkpoint);
            model.Dispose();
            Assert.True(header.Step >= lastStep, $"round {round}: step {header.Step} went back from {lastStep}");
            lastStep = header.Step;
        }
    }

    private static Process Start(string checkpoint, bool resume)
    {
        string[] args =
        [
            "train",
            "--source", "synthetic:frames=60&width=64&height=48&anomalyEvery=0", "--checkpoint", checkpoint,
            "--steps", "100000", "--checkpoint-every", "1",
            "--set", "ingest.width=32", "--set", "ingest.height=32", "--set", "model.imageSize=32", "--set", "model.encoderChannels=[8,8]",
            "--set", "model.dim=16", "--set", "model.predictorChannels=16",
            "--set", "model.levels=[{\"window\":4,\"stride\":2,\"dim\":8,\"hidden\":16,\"contextWindows\":2}]", "--set", "training.batchSize=4",
        ];
        return ChildProcess.Start(resume ? [.. args, "--resume"] : args);
    }

    private static async Task WaitForNewerCheckpointAsync(string checkpoint, long step, Process train)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(train.HasExited, $"train exited early with code {(train.HasExited ? train.ExitCode : 0)}");
            Assert.True(DateTime.UtcNow < deadline, "no checkpoint within 60 s");
            try
            {
                if (File.Exists(checkpoint) && Checkpoint.ReadHeader(checkpoint).Step > step)
                {
                    return;
                }
            }
            catch (CheckpointException)
            {
                Assert.Fail("a checkpoint was readable only in part: the write was not atomic");
            }

            await Task.Delay(50);
        }
    }
}
