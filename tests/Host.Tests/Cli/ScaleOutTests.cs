using System.Text.Json;
using StreamJepa.Kafka.Embedded;

namespace StreamJepa.Host.Tests.Cli;

public sealed class ScaleOutTests : IDisposable
{
    // 20 s of frames at 20 fps: on a loaded machine the leaver may take seconds to join and score its first batches,
    // and its streams must still have frames left for the stayer after it leaves.
    private const int Frames = 400;
    private static readonly string[] Streams = ["a", "b", "c", "d"];
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-scale").FullName;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start();

    public void Dispose()
    {
        _kafka.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Two_workers_share_the_streams_and_when_one_stops_the_other_scores_the_rest_without_a_gap()
    {
        _kafka.CreateTopic("frames", 4);
        string[] common = ["--set", $"kafka.bootstrapServers={_kafka.BootstrapServers}", .. SmallModel.Settings];
        var edge = CommandRunner.RunAsync(
            [
                "ingest", "--topic", "frames", "--realtime", "--set", $"kafka.journalDirectory={Path.Combine(_dir, "edge-journal")}",  // not the default, shared by every test of this process
                .. Streams.SelectMany((s, i) => new[] { "--source", $"{s}=synthetic:frames={Frames}&width=96&height=72&fps=20&seed={i + 1}" }),
                .. common,
            ]);
        var stayer = Worker("stayer", new WatchedWriter(), CancellationToken.None, duration: 45, common);
        await Task.Delay(TimeSpan.FromSeconds(2));

        // The leaver stops (as on a signal) once it has scored a few batches of its share, however long joining the
        // group took on a loaded machine; the 30 s guard only ends a leaver that never got to score.
        var leaverOutput = new WatchedWriter();
        using var stopLeaver = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var leaver = Worker("leaver", leaverOutput, stopLeaver.Token, duration: null, common);
        while (!leaver.IsCompleted && !stopLeaver.IsCancellationRequested && Batches(leaverOutput.ToString()) < 5)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        await stopLeaver.CancelAsync();

        var (edgeExit, edgeOutput, edgeError) = await edge;
        var (leaverExit, _, leaverError) = await leaver;
        var (stayerExit, _, stayerError) = await stayer;

        Assert.True(edgeExit == 0, edgeError + edgeOutput);
        Assert.True(leaverExit == 0, leaverError);
        Assert.True(stayerExit == 0, stayerError);
        var byLeaver = Scored("leaver");
        var byStayer = Scored("stayer");
        Assert.NotEmpty(byLeaver);
        foreach (var stream in Streams)
        {
            var frames = byLeaver.Concat(byStayer).Where(f => f.Stream == stream).Select(f => f.Frame).ToHashSet();
            Assert.True(frames.SetEquals(Enumerable.Range(0, Frames).Select(f => (long)f)), $"stream {stream}: {Frames - frames.Count} frame(s) missing; leaver {Ranges(byLeaver, stream)}; stayer {Ranges(byStayer, stream)}");
        }

        // The streams the leaver had went on at the stayer after it left.
        Assert.Contains(byLeaver.Select(f => f.Stream).Distinct(), s => byStayer.Any(f => f.Stream == s && f.Frame > byLeaver.Where(l => l.Stream == s).Max(l => l.Frame)));
    }

    private static string Ranges(List<(string Stream, long Frame)> scored, string stream)
    {
        var frames = scored.Where(f => f.Stream == stream).Select(f => f.Frame).Order().ToList();
        return frames.Count == 0 ? "none" : $"{frames.Count} frames {frames[0]}..{frames[^1]}";
    }

    private static int Batches(string output) =>
        System.Text.RegularExpressions.Regex.Matches(output, @"\((\d+) batches\)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

    private Task<(int Exit, string Output, string Error)> Worker(string name, WatchedWriter output, CancellationToken stop, int? duration, string[] common) =>
        CommandRunner.RunAsync(
            output,
            stop,
            [
                "run", "--source", "kafka://frames", "--no-learn", "--summary-interval", "0.2",
                .. duration is { } d ? new[] { "--duration", d.ToString(System.Globalization.CultureInfo.InvariantCulture) } : [],
                "--scores", Path.Combine(_dir, $"{name}.jsonl"), "--set", "output.sinks=[\"jsonl\"]", "--set", "metrics.enabled=false", .. common,
            ]);

    private List<(string Stream, long Frame)> Scored(string name) =>
        [.. File.ReadLines(Path.Combine(_dir, $"{name}.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(r => (r.GetProperty("stream").GetString()!, r.GetProperty("frame").GetInt64()))];
}
