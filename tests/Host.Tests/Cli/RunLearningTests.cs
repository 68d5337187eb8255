using System.Text.Json;
using StreamJepa.Model;

namespace StreamJepa.Host.Tests.Cli;

[Collection(TrainingInProcess.Name)]
public sealed class RunLearningTests : IDisposable
{
    private static readonly string[] Small =
        [.. SmallModel.Training, "--set", "training.stepsPerProposal=2", "--set", "training.cpuShare=1"];

    private readonly string _dir = Directory.CreateTempSubdirectory("sj-learn").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Run_LearningOn_ModelVersionAdvancesInTheOutputs_AndWhatWasLearntIsSavedAtTheEnd()
    {
        var saved = Path.Combine(_dir, "learnt.ckpt");
        var versions = await VersionsAsync("--save-checkpoint", saved);

        Assert.Equal(versions.Order(), versions);
        Assert.True(versions[^1] > 0, "the online trainer promoted at least one model while the run went on");
        var header = Checkpoint.ReadHeader(saved);
        Assert.True(header.ModelVersion >= versions[^1], $"saved version {header.ModelVersion}, last served {versions[^1]}");
        Assert.True(header.Step > 0);

        // The saved file carries the trainer's state: training resumes from it.
        var (exit, output, error) = await CommandRunner.RunAsync(
            ["train", "--source", "synthetic:frames=60&width=64&height=48&anomalyEvery=0", "--checkpoint", saved, "--resume", "--steps", "2", .. Small]);
        Assert.True(exit == 0, error + output);
        Assert.True(Checkpoint.ReadHeader(saved).Step > header.Step);
    }

    [Fact]
    public async Task Run_NoLearn_ServesTheStartingModelThroughout()
    {
        var versions = await VersionsAsync("--no-learn");

        Assert.All(versions, v => Assert.Equal(0, v));
    }

    private async Task<List<long>> VersionsAsync(params string[] extra)
    {
        var scores = Path.Combine(_dir, $"{Guid.NewGuid():N}.jsonl");
        var (exit, _, error) = await CommandRunner.RunAsync(
            ["run", "--source", "cam=synthetic:frames=600&fps=100&width=64&height=48&anomalyEvery=0", "--realtime", "--scores", scores, .. Small, .. extra]);

        Assert.True(exit == 0, error);
        return [.. (await File.ReadAllLinesAsync(scores))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.TryGetProperty("modelVersion", out _))
            .Select(r => r.GetProperty("modelVersion").GetInt64())];
    }
}
