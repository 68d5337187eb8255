using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using StreamJepa.Kafka.Embedded;

namespace StreamJepa.Host.Tests.Cli;

[Collection(TrainingInProcess.Name)]
public sealed partial class FleetModelTests : IDisposable
{
    private const int Frames = 900;
    private static readonly string[] Streams = ["a", "b", "c", "d"];
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-fleet").FullName;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start();

    public void Dispose()
    {
        _kafka.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Two_workers_serve_the_learners_newest_version_and_a_restarted_worker_starts_on_it()
    {
        _kafka.CreateTopic("frames", 4);
        _kafka.CreateTopic("models", 1);
        string[] common = ["--set", $"kafka.bootstrapServers={_kafka.BootstrapServers}", "--set", "kafka.models.topic=models", .. SmallModel.Training];
        var edge = CommandRunner.RunAsync(
            [
                "ingest", "--topic", "frames", "--realtime", "--set", $"kafka.journalDirectory={Path.Combine(_dir, "edge-journal")}",  // not the default, shared by every test of this process
                .. Streams.SelectMany((s, i) => new[] { "--source", $"{s}=synthetic:frames={Frames}&width=96&height=72&fps=20&seed={i + 1}" }),
                .. common,
            ]);
        var learner = CommandRunner.RunAsync(
            [
                "learn", "--source", "kafka://frames", "--duration", "15", "--summary-interval", "1",
                "--set", "training.stepsPerProposal=3", "--set", "training.cpuShare=1", "--set", $"kafka.models.cacheDirectory={Path.Combine(_dir, "learner")}", .. common,
            ]);
        var stayer = Worker("stayer", CancellationToken.None, duration: 34, common);
        using var stopLeaver = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var leaver = Worker("leaver", stopLeaver.Token, duration: null, common);

        var (learnExit, learnOutput, learnError) = await learner;
        Assert.True(learnExit == 0, learnError + learnOutput);
        var newest = int.Parse(NewestPublished().Matches(learnOutput)[^1].Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(newest >= 1, learnOutput);

        var (leaverExit, _, leaverError) = await leaver;
        Assert.True(leaverExit == 0, leaverError);
        // The restarted worker stops once it has scored frames of its share (joining the group may take seconds).
        var restartedOutput = new WatchedWriter();
        using var stopRestarted = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var restarted = Worker("restarted", stopRestarted.Token, duration: null, common, restartedOutput);
        var scores = Path.Combine(_dir, "restarted.jsonl");
        while (!restarted.IsCompleted && !stopRestarted.IsCancellationRequested && (!File.Exists(scores) || Versions("restarted").Count < 20))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        await stopRestarted.CancelAsync();

        var (edgeExit, edgeOutput, edgeError) = await edge;
        var (stayerExit, stayerOutput, stayerError) = await stayer;
        var (restartedExit, _, restartedError) = await restarted;
        Assert.True(edgeExit == 0, edgeError + edgeOutput);
        Assert.True(stayerExit == 0, stayerError);
        Assert.True(restartedExit == 0, restartedError);

        // Both workers served the learner's newest version by the end, and neither learnt alone.
        Assert.Equal(newest, Versions("stayer")[^1]);
        Assert.Equal(newest, Versions("leaver")[^1]);
        Assert.Contains("learning: off here", stayerOutput, StringComparison.Ordinal);

        // The worker that came back started on it: from its first scored frame.
        Assert.Contains($"fleet: starting from model version {newest} of models", restartedOutput.ToString(), StringComparison.Ordinal);
        var back = Versions("restarted");
        Assert.NotEmpty(back);
        Assert.All(back, v => Assert.Equal(newest, v));
    }

    [GeneratedRegex(@"newest published version (\d+)")]
    private static partial Regex NewestPublished();

    private Task<(int Exit, string Output, string Error)> Worker(string name, CancellationToken stop, int? duration, string[] common, WatchedWriter? output = null) =>
        CommandRunner.RunAsync(
            output ?? new WatchedWriter(),
            stop,
            [
                "run", "--source", "kafka://frames", "--summary-interval", "0.5",
                .. duration is { } d ? new[] { "--duration", d.ToString(CultureInfo.InvariantCulture) } : [],
                "--scores", Path.Combine(_dir, $"{name}.jsonl"), "--set", "output.sinks=[\"jsonl\"]", "--set", "metrics.enabled=false",
                "--set", "kafka.models.follow=true", "--set", $"kafka.models.cacheDirectory={Path.Combine(_dir, name)}", .. common,
            ]);

    /// <summary>The model version of each frame the worker scored, in the order it wrote them.</summary>
    private List<long> Versions(string name) =>
        [.. File.ReadLines(Path.Combine(_dir, $"{name}.jsonl")).Where(l => l.EndsWith('}'))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.TryGetProperty("modelVersion", out _))
            .Select(r => r.GetProperty("modelVersion").GetInt64())];
}
