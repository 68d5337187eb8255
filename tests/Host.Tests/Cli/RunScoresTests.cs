using System.Text.Json;
using OpenCvSharp;
using StreamJepa.Model.Configuration;
using StreamJepa.Model;

namespace StreamJepa.Host.Tests.Cli;

public sealed class RunScoresTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-scores").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Run_Scores_EveryFrameOnceInOrder_NullUntilContextFills()
    {
        var clip = Path.Combine(_dir, "clip.avi");
        using (var writer = new VideoWriter(clip, FourCC.MJPG, 10, new Size(96, 72)))
        using (var frame = new Mat(72, 96, MatType.CV_8UC3))
        {
            for (var i = 0; i < 45; i++)
            {
                frame.SetTo(Scalar.All(20 + (i * 4)));
                writer.Write(frame);
            }
        }

        var scores = Path.Combine(_dir, "scores.jsonl");

        var (exit, _, error) = await CommandRunner.RunAsync(
            "run", "--source", clip, "--source", "scene=synthetic:frames=60&width=96&height=72", "--scores", scores);

        Assert.True(exit == 0, error);
        var lines = (await File.ReadAllLinesAsync(scores)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        foreach (var (stream, count) in new[] { ("clip", 45), ("scene", 60) })
        {
            var mine = lines.Where(l => l.GetProperty("stream").GetString() == stream).ToList();
            Assert.Equal(Enumerable.Range(0, count), mine.Select(l => l.GetProperty("frame").GetInt32()));
            Assert.All(mine.Take(3), l => Assert.Equal(JsonValueKind.Null, l.GetProperty("score").ValueKind));
            Assert.All(mine.Skip(3), l => Assert.Equal(JsonValueKind.Number, l.GetProperty("levels")[0].GetProperty("freeEnergy").ValueKind));
            Assert.All(mine, l => Assert.Equal(3, l.GetProperty("levels").GetArrayLength()));

            // Level 3 is the scene level (300 frames by default): no energy until its memory holds 75 frames.
            Assert.All(mine, l => Assert.Equal(3, l.GetProperty("levels")[2].GetProperty("level").GetInt32()));
            Assert.All(mine, l => Assert.Equal(JsonValueKind.Null, l.GetProperty("levels")[2].GetProperty("energy").ValueKind));
            Assert.All(mine, l => Assert.Equal(0, l.GetProperty("modelVersion").GetInt64()));
            Assert.All(mine, l => Assert.Contains(l.GetProperty("anomaly").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False }));
        }

        var level1 = lines.Select(l => l.GetProperty("levels")[0]).Where(l => l.GetProperty("freeEnergy").ValueKind == JsonValueKind.Number);
        Assert.All(level1, l => Assert.True(l.GetProperty("freeEnergy").GetDouble() <= l.GetProperty("energy").GetDouble() + 1e-9));
    }

    [Fact]
    public async Task Run_Realtime_DroppedFramesKeepTheirPlace()
    {
        var scores = Path.Combine(_dir, "scores.jsonl");

        var (exit, _, error) = await CommandRunner.RunAsync(
            "run", "--source", "fast=synthetic:frames=400&fps=1000&width=96&height=72", "--realtime", "--scores", scores, "--set", "ingest.liveQueueCapacity=2");

        Assert.True(exit == 0, error);
        var lines = (await File.ReadAllLinesAsync(scores)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Enumerable.Range(0, 400), lines.Select(l => l.GetProperty("frame").GetInt32()));
        var dropped = lines.Count(l => l.TryGetProperty("dropped", out var d) && d.GetBoolean());
        Assert.True(dropped > 0, "a 1000 fps source outruns the model on this machine");
        Assert.True(lines.Count(l => l.TryGetProperty("score", out _)) > 0);
    }

    [Fact]
    public async Task Run_Embeddings_EveryFrameAtLevelOne_WindowsAtLevelTwo()
    {
        var embeddings = Path.Combine(_dir, "embeddings.jsonl");

        var (exit, _, error) = await CommandRunner.RunAsync(
            "run", "--source", "cam=synthetic:frames=40&width=96&height=72", "--embeddings", embeddings, "--no-learn");

        Assert.True(exit == 0, error);
        var lines = (await File.ReadAllLinesAsync(embeddings)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var level1 = lines.Where(l => l.GetProperty("level").GetInt32() == 1).ToList();
        var level2 = lines.Where(l => l.GetProperty("level").GetInt32() == 2).ToList();
        Assert.Equal(Enumerable.Range(0, 40), level1.Select(l => l.GetProperty("frame").GetInt32()));
        Assert.All(level1, l => Assert.Equal(64, l.GetProperty("vector").GetArrayLength()));
        // Windows of 8 frames every 4: the first completes at frame 7, then every 4th frame.
        Assert.Equal([7, 11, 15, 19, 23, 27, 31, 35, 39], level2.Select(l => l.GetProperty("frame").GetInt32()));
    }

    [Fact]
    public async Task Run_CheckpointForAnotherModel_RefusedNamingTheKey()
    {
        var checkpoint = Path.Combine(_dir, "model.ckpt");
        var config = new HJepaConfig { ImageWidth = 64, ImageHeight = 64 };
        using (var model = new HJepa(config))
        {
            Checkpoint.Save(checkpoint, model, new CheckpointHeader(config, 3, 10, DateTimeOffset.UnixEpoch, []));
        }

        var (exit, _, error) = await CommandRunner.RunAsync(
            "run", "--source", "synthetic:frames=5", "--checkpoint", checkpoint, "--set", "model.imageSize=128");

        Assert.Equal(2, exit);
        Assert.Contains("model.imageWidth is 64 in the checkpoint, 128 here", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Checkpoint_ScoresCarryItsVersion()
    {
        var checkpoint = Path.Combine(_dir, "model.ckpt");
        var config = new HJepaConfig { ImageWidth = 64, ImageHeight = 64 };
        using (var model = new HJepa(config))
        {
            Checkpoint.Save(checkpoint, model, new CheckpointHeader(config, 42, 10, DateTimeOffset.UnixEpoch, []));
        }

        var scores = Path.Combine(_dir, "scores.jsonl");
        var (exit, _, error) = await CommandRunner.RunAsync(
            "run", "--source", "synthetic:frames=8&width=96&height=72", "--checkpoint", checkpoint, "--set", "ingest.width=64", "--set", "ingest.height=64", "--scores", scores);

        Assert.True(exit == 0, error);
        Assert.All(await File.ReadAllLinesAsync(scores), l => Assert.Contains("\"modelVersion\":42", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_UnwritableOutput_ExitsTwoNamingTheKey()
    {
        var blocker = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder");

        var (exit, _, error) = await CommandRunner.RunAsync(
            "run", "--source", "synthetic:frames=5", "--no-learn", "--scores", Path.Combine(blocker, "scores.jsonl"));

        Assert.Equal(2, exit);
        Assert.Contains("output.scores", error, StringComparison.Ordinal);
        Assert.Contains("cannot be written", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnwritableSaveCheckpoint_ExitsTwoBeforeScoring()
    {
        var blocker = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder");
        var scores = Path.Combine(_dir, "scores.jsonl");

        var (exit, _, error) = await CommandRunner.RunAsync(
            "run", "--source", "synthetic:frames=5", "--scores", scores, "--save-checkpoint", Path.Combine(blocker, "learnt.ckpt"));

        Assert.Equal(2, exit);
        Assert.Contains("training.saveTo", error, StringComparison.Ordinal);
        Assert.Contains("cannot be written", error, StringComparison.Ordinal);
        Assert.False(File.Exists(scores));
    }

    [Fact]
    public async Task Run_IngestSizeDiffersFromModel_ExitsTwoNamingBoth()
    {
        var (exit, _, error) = await CommandRunner.RunAsync("run", "--source", "synthetic:frames=5", "--set", "ingest.width=96");

        Assert.Equal(2, exit);
        Assert.Contains("ingest.width", error, StringComparison.Ordinal);
        Assert.Contains("model.imageWidth", error, StringComparison.Ordinal);
    }
}
