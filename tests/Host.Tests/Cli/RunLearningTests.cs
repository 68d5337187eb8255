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

    [Fact]
    public async Task Run_WithAStateDirectory_GoesOnFromWhatTheLastRunLearnt_AndPassesOverADamagedCopy()
    {
        var state = Path.Combine(_dir, "state");
        var newest = Path.Combine(state, "model.ckpt");
        string[] withState = ["--set", $"training.stateDirectory={state}"];

        var first = await RunAsync([.. withState, "--set", "training.stateEverySeconds=1"]);
        Assert.Contains($"state: no learnt model to resume in {state}", first, StringComparison.Ordinal);
        var learnt = Checkpoint.ReadHeader(newest);
        Assert.True(learnt.Step > 0, "the first run wrote what it learnt");
        Assert.True(File.Exists($"{newest}.1"), "the state was also written while the run learnt, not only at its end");

        var second = await RunAsync(withState);
        Assert.Contains($"state: resuming model version {learnt.ModelVersion} (step {learnt.Step}) from {newest}", second, StringComparison.Ordinal);
        Assert.Contains("state: the trainer goes on from its saved state", second, StringComparison.Ordinal);
        var further = Checkpoint.ReadHeader(newest);
        Assert.True(further.Step > learnt.Step && further.ModelVersion >= learnt.ModelVersion, $"step {further.Step} after {learnt.Step}");

        // A copy cut short (as by a full disk) is named, and the run goes on from the copy before it.
        var bytes = await File.ReadAllBytesAsync(newest);
        await File.WriteAllBytesAsync(newest, bytes[..(bytes.Length / 2)]);
        var third = await RunAsync(withState);
        Assert.Contains($"state: {newest} cannot be loaded", third, StringComparison.Ordinal);
        Assert.Contains($"state: resuming model version {learnt.ModelVersion} (step {learnt.Step}) from {newest}.1", third, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithAStateDirectory_StreamsStartFromTheBaselinesTheLastRunKept()
    {
        var state = Path.Combine(_dir, "state");
        async Task<(string Output, long FirstReady)> ScoreAsync()
        {
            var scores = Path.Combine(_dir, $"{Guid.NewGuid():N}.jsonl");
            var (exit, output, error) = await CommandRunner.RunAsync(
                "run", "--source", "cam=synthetic:frames=120&width=64&height=48&anomalyEvery=0", "--no-learn", "--scores", scores,
                "--set", "output.sinks=[\"jsonl\"]", "--set", $"training.stateDirectory={state}",
                "--set", "scoring.tailRisk=0");    // fresh weights with a tail would warm up for the tail's first 1,000 frames
            Assert.True(exit == 0, error + output);
            var firstReady = File.ReadLines(scores).Select(l => JsonDocument.Parse(l).RootElement)
                .First(r => r.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number && !r.TryGetProperty("warmingUp", out _))
                .GetProperty("frame").GetInt64();
            return (output, firstReady);
        }

        var (_, fresh) = await ScoreAsync();
        var (output, resumed) = await ScoreAsync();

        Assert.Contains($"state: baselines of 1 stream(s) kept in {Path.Combine(state, "baselines.json")}", output, StringComparison.Ordinal);
        Assert.True(resumed + 20 < fresh, $"the stream measured its baseline first (ready at frame {fresh}), then started from the kept one (ready at frame {resumed})");
    }

    private async Task<string> RunAsync(string[] extra)
    {
        var (exit, output, error) = await CommandRunner.RunAsync(
            ["run", "--source", "cam=synthetic:frames=600&fps=100&width=64&height=48&anomalyEvery=0", "--realtime", "--plain", "--set", "output.sinks=[\"jsonl\"]", .. Small, .. extra]);
        Assert.True(exit == 0, error + output);
        return output;
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
