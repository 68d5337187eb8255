using StreamJepa.Model;

namespace StreamJepa.Host.Tests.Cli;

[Collection(TrainingInProcess.Name)]
public sealed class TrainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-train").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Train_WritesACheckpointWithEnergyStats_ResumeContinuesStepAndVersion()
    {
        var checkpoint = Path.Combine(_dir, "model.ckpt");
        string[] source = ["--source", "synthetic:frames=80&width=64&height=48&anomalyEvery=0"];

        var (exit, output, error) = await CommandRunner.RunAsync(["train", .. source, "--checkpoint", checkpoint, "--steps", "4", .. SmallModel.Training]);

        Assert.True(exit == 0, error);
        Assert.Contains("wrote", output, StringComparison.Ordinal);
        var first = Checkpoint.ReadHeader(checkpoint);
        Assert.Equal(4, first.Step);
        Assert.Equal([1, 2], first.EnergyStats.Select(s => s.Level));

        (exit, output, error) = await CommandRunner.RunAsync(["train", .. source, "--checkpoint", checkpoint, "--steps", "3", "--resume", .. SmallModel.Training]);

        Assert.True(exit == 0, error);
        Assert.Contains("optimiser state restored", output, StringComparison.Ordinal);
        Assert.True(File.Exists(checkpoint + ".1"), "the previous checkpoint is kept");
        var second = Checkpoint.ReadHeader(checkpoint);
        Assert.Equal(7, second.Step);
        Assert.True(second.ModelVersion > first.ModelVersion);
    }

    [Fact]
    public async Task Train_StepsZeroWithResume_RemeasuresTheStatisticsAndTheirTail_KeepingWeightsAndStep()
    {
        var checkpoint = Path.Combine(_dir, "remeasured.ckpt");
        string[] source = ["--source", "synthetic:frames=200&width=64&height=48&anomalyEvery=0"];
        var (exit, _, error) = await CommandRunner.RunAsync(["train", .. source, "--checkpoint", checkpoint, "--steps", "3", .. SmallModel.Training]);
        Assert.True(exit == 0, error);
        var (noResume, _, refused) = await CommandRunner.RunAsync(["train", .. source, "--checkpoint", checkpoint, "--steps", "0", .. SmallModel.Training]);

        (exit, var output, error) = await CommandRunner.RunAsync(["train", .. source, "--checkpoint", checkpoint, "--steps", "0", "--resume", .. SmallModel.Training]);

        Assert.Equal(2, noResume);
        Assert.Contains("--resume", refused, StringComparison.Ordinal);
        Assert.True(exit == 0, error);
        Assert.Contains("wrote", output, StringComparison.Ordinal);
        var (before, old) = Checkpoint.Load(checkpoint + ".1");
        var (after, header) = Checkpoint.Load(checkpoint);
        using (before)
        using (after)
        {
            Assert.Equal(old.Step, header.Step);
            Assert.True(header.ModelVersion > old.ModelVersion);
            Assert.All(before.parameters().Zip(after.parameters()), p => Assert.True(p.First.equal(p.Second).all().item<bool>(), "the weights are kept"));
        }

        // The tail is fitted over the held-out and the training frames: enough for a tail at level 1.
        Assert.NotNull(header.EnergyStats.Single(s => s.Level == 1).Tail);
    }

    [Fact]
    public async Task Train_Epochs_OnePassIsFramesOverBatchSize()
    {
        var checkpoint = Path.Combine(_dir, "epochs.ckpt");

        var (exit, output, error) = await CommandRunner.RunAsync(
            ["train", "--source", "synthetic:frames=40&width=64&height=48&anomalyEvery=0", "--checkpoint", checkpoint, "--epochs", "1", .. SmallModel.Training]);

        Assert.True(exit == 0, error);
        Assert.Equal(10, Checkpoint.ReadHeader(checkpoint).Step);
        Assert.Contains("rank", output, StringComparison.Ordinal);
        Assert.Matches(@"steps/s  \d+:\d\d:\d\d left", output);        // hours too: a long run's line once read "00:34 left"
    }

    [Fact]
    public async Task Train_UnwritableCheckpoint_ExitsTwoBeforeTraining()
    {
        var blocker = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder");

        var (exit, output, error) = await CommandRunner.RunAsync(
            ["train", "--source", "synthetic:frames=40", "--checkpoint", Path.Combine(blocker, "m.ckpt"), "--steps", "2"]);

        Assert.Equal(2, exit);
        Assert.Contains("--checkpoint", error, StringComparison.Ordinal);
        Assert.DoesNotContain("training on", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_ResumeWithoutTheCheckpoint_ExitsTwoNamingIt()
    {
        var missing = Path.Combine(_dir, "never-written.ckpt");

        var (exit, output, error) = await CommandRunner.RunAsync(
            ["train", "--source", "synthetic:frames=40", "--checkpoint", missing, "--steps", "2", "--resume"]);

        Assert.Equal(2, exit);
        Assert.Contains(missing, error, StringComparison.Ordinal);
        Assert.Contains("not found", error, StringComparison.Ordinal);
        Assert.DoesNotContain("training on", output, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task Train_NoSource_ExitsTwo()
    {
        var (exit, _, error) = await CommandRunner.RunAsync("train", "--checkpoint", Path.Combine(_dir, "m.ckpt"));

        Assert.Equal(2, exit);
        Assert.Contains("nothing to train on", error, StringComparison.Ordinal);
    }
}
