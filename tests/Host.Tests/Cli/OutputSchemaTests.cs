using System.Security.Cryptography;
using System.Text.Json;
using OpenCvSharp;

namespace StreamJepa.Host.Tests.Cli;

/// <summary>What <c>run</c> writes to its JSONL files, checked line by line against the JSON Schemas in docs/schema.</summary>
public sealed class OutputSchemaTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-schema").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Every_line_run_writes_is_valid_under_its_published_schema()
    {
        var (scores, episodes, embeddings) = (Path.Combine(_dir, "s.jsonl"), Path.Combine(_dir, "e.jsonl"), Path.Combine(_dir, "m.jsonl"));

        // A scene that freezes (frozen episodes) and a film clip (its cuts are surprise episodes); energy maps on.
        var film = Path.Combine(RepoPaths.Root, "data", "samples", "Megamind_bugy.avi");
        var checkpoint = Path.Combine(RepoPaths.Root, "data", "models", "demo.ckpt");
        var (exit, _, error) = await CommandRunner.RunAsync(
            [
                "run", "--source", "scene=synthetic:seed=3&frames=200&width=96&height=72&anomalyEvery=60&anomalyLength=20&kinds=freeze+appear",
                "--source", $"film={film}", "--checkpoint", checkpoint,
                "--no-learn", "--scores", scores, "--episodes", episodes, "--embeddings", embeddings,
                "--set", "output.sinks=[\"jsonl\"]", "--set", "scoring.energyMaps=true", "--set", "scoring.minSamples=10",
                "--set", $"evidence.directory={Path.Combine(_dir, "evidence")}",
            ]);

        Assert.True(exit == 0, error);
        var scoreLines = await File.ReadAllLinesAsync(scores);
        var episodeLines = await File.ReadAllLinesAsync(episodes);
        Assert.Contains(scoreLines, l => l.Contains("\"energyMap\"", StringComparison.Ordinal));
        Assert.Contains(episodeLines, l => l.Contains("\"kind\":\"frozen\"", StringComparison.Ordinal));
        Assert.All(scoreLines, l => OutputSchemas.AssertValid("score.schema.json", l));
        Assert.All(episodeLines, l => OutputSchemas.AssertValid("episode.schema.json", l));
        Assert.All(File.ReadLines(embeddings).Take(500), l => OutputSchemas.AssertValid("embedding-jsonl.schema.json", l));

        // Every episode names its source and the checkpoint's bytes; a surprise episode boxes its place in source pixels.
        var hash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(checkpoint)));
        var parsed = episodeLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(parsed, e => Assert.Equal(hash, e.GetProperty("checkpointSha256").GetString()));
        Assert.All(parsed.Where(e => e.GetProperty("stream").GetString() == "film"), e => Assert.Equal(film, e.GetProperty("source").GetString()));
        var boxes = parsed.Where(e => e.GetProperty("kind").GetString() == "surprise").Select(e => e.GetProperty("box")).ToList();
        Assert.NotEmpty(boxes);
        Assert.All(boxes, b => Assert.True(
            b.GetProperty("x").GetInt32() + b.GetProperty("width").GetInt32() <= 720 && b.GetProperty("y").GetInt32() + b.GetProperty("height").GetInt32() <= 528,
            $"box {b} outside the film's 720×528 picture"));

        // Every closed episode names its evidence, and the snapshot, the annotated snapshot and the clip decode.
        var closed = parsed.Where(e => e.GetProperty("state").GetString() == "closed").ToList();
        Assert.NotEmpty(closed);
        foreach (var evidence in closed.Select(e => e.GetProperty("evidence")))
        {
            var snapshot = Path.Combine(_dir, "evidence", evidence.GetProperty("snapshot").GetString()!);
            var annotated = Path.Combine(_dir, "evidence", evidence.GetProperty("annotated").GetString()!);
            using (var picture = Cv2.ImRead(snapshot))
            using (var drawn = Cv2.ImRead(annotated))
            {
                Assert.False(picture.Empty(), snapshot);
                Assert.Equal(picture.Size(), drawn.Size());
                Assert.True(Cv2.Norm(picture, drawn, NormTypes.L1) > 0, "the annotated snapshot has something drawn on it");
            }

            using var clip = new VideoCapture(Path.Combine(_dir, "evidence", evidence.GetProperty("clip").GetString()!));
            using var frame = new Mat();
            Assert.True(clip.Read(frame) && !frame.Empty(), "the clip decodes");
        }
    }

    [Fact]
    public void A_line_that_breaks_the_schema_is_caught()
    {
        const string Episode = """{"stream":"s","id":"01a24de0-459d-7f3f-b59d-802f74e78bc9","number":1,"state":"opened","startFrame":155,"endFrame":null,"startPtsMs":6200,"endPtsMs":null,"frames":5,"peakScore":4,"levels":[],"firedLevels":[],"topCells":[],"modelVersion":0,"kind":"frozen","peakFrame":159,"startUtc":"2026-12-07T00:21:13.0990225+00:00","peakUtc":"2026-12-07T00:21:13.0993075+00:00","endUtc":null,"box":null,"sourceWidth":96,"sourceHeight":72,"source":"rtsp://***:***@cam/1","checkpointSha256":null,"evidence":null}""";

        OutputSchemas.AssertValid("episode.schema.json", Episode);
        OutputSchemas.AssertValid("score.schema.json", """{"stream":"gate","frame":1043,"dropped":true}""");
        Assert.ThrowsAny<Exception>(() => OutputSchemas.AssertValid("score.schema.json", """{"stream":"gate","frame":1043,"dropped":true,"damaged":true}"""));
        Assert.ThrowsAny<Exception>(() => OutputSchemas.AssertValid("episode.schema.json", Episode.Replace("\"number\":1", "\"number\":\"1\"", StringComparison.Ordinal)));
        Assert.ThrowsAny<Exception>(() => OutputSchemas.AssertValid("episode.schema.json", Episode.Replace("01a24de0-459d-7f3f", "01a24de0-459d-4f3f", StringComparison.Ordinal)));
        Assert.ThrowsAny<Exception>(() => OutputSchemas.AssertValid("episode.schema.json", Episode.Replace("\"startUtc\":\"2026-12-07T00:21:13.0990225+00:00\"", "\"startUtc\":\"yesterday\"", StringComparison.Ordinal)));
        Assert.ThrowsAny<Exception>(() => OutputSchemas.AssertValid("episode.schema.json", Episode.Replace("\"box\":null", "\"box\":{\"x\":-1,\"y\":0,\"width\":8,\"height\":8}", StringComparison.Ordinal)));
        Assert.ThrowsAny<Exception>(() => OutputSchemas.AssertValid("episode.schema.json", Episode.Replace("\"evidence\":null", "\"evidence\":{\"snapshot\":\"/etc/passwd.jpg\",\"annotated\":\"a.jpg\",\"clip\":\"c.avi\"}", StringComparison.Ordinal)));
    }
}
