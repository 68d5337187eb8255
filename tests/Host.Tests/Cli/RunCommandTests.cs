using OpenCvSharp;

namespace StreamJepa.Host.Tests.Cli;

public sealed class RunCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-host").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Run_BadConfigValue_ExitsTwoNamingKeyAndValue()
    {
        var (exit, _, error) = await CommandRunner.RunAsync("run", "--source", "synthetic", "--set", "ingest.height=0");

        Assert.Equal(2, exit);
        Assert.Contains("ingest.height = 0", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownKeyInConfigFile_ExitsTwo()
    {
        var config = Path.Combine(_dir, "bad.json");
        await File.WriteAllTextAsync(config, """{ "ingest": { "fps": 5 } }""");

        var (exit, _, error) = await CommandRunner.RunAsync("run", "--config", config, "--source", "synthetic");

        Assert.Equal(2, exit);
        Assert.Contains("ingest.fps", error, StringComparison.Ordinal);
        Assert.Contains("unknown key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoSource_ExitsTwoAndSaysHowToGiveOne()
    {
        var (exit, _, error) = await CommandRunner.RunAsync("run");

        Assert.Equal(2, exit);
        Assert.Contains("--source", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_EvidenceDirectoryThatCannotBeWritten_SaysSoAndScoresAnyway()
    {
        var blocker = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder");
        var scores = Path.Combine(_dir, "scores.jsonl");

        var (exit, output, error) = await CommandRunner.RunAsync(
            "run", "--source", "synthetic:frames=30&width=64&height=48", "--no-learn", "--scores", scores,
            "--set", "output.sinks=[\"jsonl\"]", "--set", $"evidence.directory={Path.Combine(blocker, "evidence")}");

        Assert.True(exit == 0, error);
        Assert.Contains($"evidence: evidence.directory {Path.Combine(blocker, "evidence")} cannot be written", output, StringComparison.Ordinal);
        Assert.Contains("episodes get no evidence, scoring goes on", output, StringComparison.Ordinal);
        Assert.Equal(30, File.ReadLines(scores).Count());
    }

    [Fact]
    public async Task Run_SeveralSources_SummaryShowsEachStreamsFrames()
    {
        var clip = Path.Combine(_dir, "clip.avi");
        using (var writer = new VideoWriter(clip, FourCC.MJPG, 10, new Size(64, 48)))
        using (var frame = new Mat(48, 64, MatType.CV_8UC3, Scalar.All(90)))
        {
            for (var i = 0; i < 40; i++)
            {
                writer.Write(frame);
            }
        }

        var (exit, output, _) = await CommandRunner.RunAsync(
            "run", "--source", clip, "--source", "scene=synthetic:frames=30&width=64&height=48");

        Assert.Equal(0, exit);
        Assert.Contains("final summary", output, StringComparison.Ordinal);
        Assert.Matches(@"clip\s+ended\s+40\b", output);
        Assert.Matches(@"scene\s+ended\s+30\b", output);
    }

    [Fact]
    public async Task Run_OneSourceFails_OthersFinish_ExitsThree()
    {
        var (exit, output, _) = await CommandRunner.RunAsync(
            "run", "--source", "gone=" + Path.Combine(_dir, "gone.avi"), "--source", "scene=synthetic:frames=20&width=64&height=48");

        Assert.Equal(3, exit);
        Assert.Matches(@"gone\s+failed\s+0\b.*file not found", output);
        Assert.Matches(@"scene\s+ended\s+20\b", output);
    }

    [Fact]
    public async Task Run_Duration_StopsAnEndlessSource()
    {
        var (exit, output, _) = await CommandRunner.RunAsync(
            "run", "--source", "synthetic:frames=0&width=64&height=48", "--realtime", "--duration", "1");

        Assert.Equal(0, exit);
        Assert.Matches(@"synthetic\s+stopped\s+\d+", output);
    }

    [Fact]
    public async Task Generate_WritesVideoAndTruth()
    {
        var video = Path.Combine(_dir, "scene.avi");

        var (exit, output, _) = await CommandRunner.RunAsync("generate", "--out", video, "--scene", "seed=2&frames=120&width=64&height=48&warmup=20&anomalyEvery=30&anomalyLength=5");

        Assert.Equal(0, exit);
        Assert.True(File.Exists(video));
        var truth = StreamJepa.Ingest.Synthetic.SceneTruth.Load(Path.Combine(_dir, "scene.truth.json"));
        Assert.InRange(truth.Anomalies.Count, 3, 4);
        Assert.Contains($"wrote {truth.Anomalies.Count} anomalies", output, StringComparison.Ordinal);
        using var capture = new VideoCapture(video);
        Assert.Equal(120, capture.FrameCount);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("train")]
    [InlineData("inspect")]
    [InlineData("generate")]
    [InlineData("bench")]
    [InlineData("bench", "ingest")]
    [InlineData("bench", "pipeline")]
    [InlineData("bench", "all")]
    [InlineData("devset")]
    [InlineData("eval")]
    public async Task Help_EveryVerbDescribesItself(params string[] verb)
    {
        var (exit, output, _) = await CommandRunner.RunAsync([.. verb, "--help"]);

        Assert.Equal(0, exit);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains(string.Join(' ', verb), output, StringComparison.Ordinal);
    }
}
