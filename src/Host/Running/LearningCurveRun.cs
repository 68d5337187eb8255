using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using StreamJepa.Configuration;
using StreamJepa.Evaluation;
using StreamJepa.Evaluation.Runs;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Engine;
using StreamJepa.Ingest.Sources;

namespace StreamJepa.Host.Running;

/// <summary>
/// <c>streamjepa bench online</c>: how fast online learning learns. <c>run</c> learns for <see cref="Minutes"/> from
/// <see cref="Streams"/> live streams of the manifest's normal video (looped, paced at its frame rate), writing its
/// state every <see cref="EveryMinutes"/>; each state is kept as a snapshot. Offline training then takes exactly as
/// many steps on the same video (the same CPU work: a step costs the same online and offline). Every snapshot of both
/// is scored by <c>eval</c> on the manifest's test videos (the first <see cref="VideosPerKind"/> of each kind, and the
/// normal ones), giving the learning curve: macro ROC-AUC and false episodes per hour against minutes of video.
/// </summary>
internal sealed class LearningCurveRun(StreamJepaOptions options, EvalManifest manifest, string outDirectory, TextWriter output, ILoggerFactory loggers)
{
    private DateTime _began;
    private long _offlineSteps;

    public double Minutes { get; init; } = 10;

    public int Streams { get; init; } = 1;

    public double EveryMinutes { get; init; } = 2;

    /// <summary>The model to start from; null starts from fresh weights (<c>inference.seed</c>).</summary>
    public string? Checkpoint { get; init; }

    public int VideosPerKind { get; init; } = 1;

    /// <summary>Offline steps of the reference model the curve is measured against (0 = none).</summary>
    public int ReferenceSteps { get; init; } = 1500;

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outDirectory);
        var start = StartModel();
        var live = await LearnLiveAsync(start, cancellationToken).ConfigureAwait(false);
        var offline = await TrainOfflineAsync(start, live, cancellationToken).ConfigureAwait(false);
        var subset = Subset();
        await output.WriteLineAsync($"bench online: scoring {live.Count} online and {offline.Count} offline snapshots on {subset.Videos.Count} test videos").ConfigureAwait(false);
        var rows = new List<CurveRow>();
        for (var k = 0; k < live.Count; k++)
        {
            var online = await EvaluateAsync(subset, live[k].Path, $"eval-online-{k}", cancellationToken).ConfigureAwait(false);
            var trained = k == 0 ? online : await EvaluateAsync(subset, offline[k].Path, $"eval-offline-{k}", cancellationToken).ConfigureAwait(false);
            rows.Add(new CurveRow(live[k], online, trained));
            await output.WriteLineAsync(Line(rows[^1])).ConfigureAwait(false);
        }

        EvalSummary? reference = null;
        if (ReferenceSteps > 0)
        {
            var model = await TrainOfflineToAsync(start, Math.Max(ReferenceSteps, _offlineSteps), "offline-reference.ckpt", "the reference", cancellationToken).ConfigureAwait(false);
            reference = await EvaluateAsync(subset, model, "eval-offline-reference", cancellationToken).ConfigureAwait(false);
        }

        var report = Report(rows, LiveEpisodes(live), reference);
        await File.WriteAllTextAsync(Path.Combine(outDirectory, "curve.md"), report, cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(report).ConfigureAwait(false);
        return Cli.ExitCodes.Ok;
    }

    /// <summary>The model learning starts from, as a checkpoint file (fresh weights are written out).</summary>
    private string StartModel()
    {
        if (Checkpoint is { } given)
        {
            return given;
        }

        var path = Path.Combine(outDirectory, "start.ckpt");
        var (model, header) = ModelLoader.Load(options.Inference with { Checkpoint = null }, options.Model);
        using (model)
        {
            Model.Checkpoint.Save(path, model, header);
        }

        return path;
    }

    /// <summary>Runs <c>run</c> at live pace and keeps each state it writes; the first snapshot is the start model.</summary>
    private async Task<List<Snapshot>> LearnLiveAsync(string start, CancellationToken cancellationToken)
    {
        var state = Path.Combine(outDirectory, "state");
        if (Directory.Exists(state))
        {
            Directory.Delete(state, recursive: true);
        }

        var train = manifest.Train.Select(SourceParser.ParseSpec).ToList();
        var episodes = Path.Combine(outDirectory, "live-episodes.jsonl");
        File.Delete(episodes);
        var liveOptions = options with
        {
            Sources = [.. Enumerable.Range(0, Streams).Select(i => train[i % train.Count] with { Id = $"live-{i + 1}", Realtime = true, Loop = true })],
            Inference = options.Inference with { Checkpoint = start },
            Training = options.Training with { Online = true, SaveTo = null, StateDirectory = state, StateEverySeconds = EveryMinutes * 60 },
            Output = new OutputOptions { Sinks = [SinkKind.Jsonl], Episodes = episodes },
            Metrics = options.Metrics with { Enabled = false },
        };
        var startHeader = Model.Checkpoint.ReadHeader(start);
        var snapshots = new List<Snapshot> { new(0, startHeader.Step, start) };
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"bench online: learning live for {Minutes} min from {Streams} looped stream(s) of {string.Join(", ", manifest.Train)}, a snapshot every {EveryMinutes} min")).ConfigureAwait(false);
        _began = DateTime.UtcNow;
        using var stop = new CancellationTokenSource();
        var keeping = Task.Run(() => KeepSnapshots(state, snapshots, stop.Token), CancellationToken.None);
        await using (var log = new StreamWriter(Path.Combine(outDirectory, "live.log")))
        {
            var run = new PipelineRun(liveOptions, log, TimeProvider.System, loggers) { Duration = TimeSpan.FromMinutes(Minutes), SummaryInterval = TimeSpan.FromSeconds(30) };
            await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await keeping.ConfigureAwait(false);
        Keep(state, snapshots);      // the state written when the run stopped
        return snapshots;
    }

    private void KeepSnapshots(string state, List<Snapshot> snapshots, CancellationToken stop)
    {
        while (!stop.WaitHandle.WaitOne(TimeSpan.FromSeconds(2)))
        {
            Keep(state, snapshots);
        }
    }

    /// <summary>Copies the state's model when it is newer than the last snapshot.</summary>
    private void Keep(string state, List<Snapshot> snapshots)
    {
        var model = Path.Combine(state, "model.ckpt");
        lock (snapshots)
        {
            if (!File.Exists(model) || (snapshots.Count > 1 && File.GetLastWriteTimeUtc(model) <= snapshots[^1].Written))
            {
                return;
            }

            var path = Path.Combine(outDirectory, $"online-{snapshots.Count}.ckpt");
            File.Copy(model, path, overwrite: true);
            var header = Model.Checkpoint.ReadHeader(path);
            snapshots.Add(new Snapshot((header.CreatedUtc.UtcDateTime - _began).TotalMinutes, header.Step, path) { Written = File.GetLastWriteTimeUtc(model) });
        }
    }

    /// <summary>Offline training on the same video, to each online snapshot's step count in turn.</summary>
    private async Task<List<Snapshot>> TrainOfflineAsync(string start, List<Snapshot> live, CancellationToken cancellationToken)
    {
        var snapshots = new List<Snapshot> { live[0] };
        for (var k = 1; k < live.Count; k++)
        {
            var copy = await TrainOfflineToAsync(start, live[k].Step - live[0].Step, $"offline-{k}.ckpt", $"as the online snapshot at {live[k].Minutes:0.0} min", cancellationToken).ConfigureAwait(false);
            snapshots.Add(new Snapshot(live[k].Minutes, live[0].Step + _offlineSteps, copy));
        }

        return snapshots;
    }

    /// <summary>Trains offline (resuming) until <paramref name="steps"/> steps in all, and keeps a copy of the model as <paramref name="name"/>.</summary>
    private async Task<string> TrainOfflineToAsync(string start, long steps, string name, string why, CancellationToken cancellationToken)
    {
        var path = Path.Combine(outDirectory, "offline.ckpt");
        if (steps > _offlineSteps)
        {
            var trainOptions = options with
            {
                Sources = [.. manifest.Train.Select(SourceParser.ParseSpec)],
                Inference = options.Inference with { Checkpoint = start },
            };
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"bench online: offline training to step {steps} ({why})")).ConfigureAwait(false);
            var run = new TrainRun(trainOptions, TextWriter.Null, loggers) { CheckpointPath = path, Steps = (int)(steps - _offlineSteps), Resume = _offlineSteps > 0, Keep = 1 };
            var exit = await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            if (exit != 0)
            {
                throw new InvalidOperationException($"offline training failed (exit code {exit})");
            }

            _offlineSteps = steps;
        }

        var copy = Path.Combine(outDirectory, name);
        File.Copy(_offlineSteps > 0 ? path : start, copy, overwrite: true);
        return copy;
    }

    /// <summary>The manifest's normal videos and the first <see cref="VideosPerKind"/> of each kind.</summary>
    private EvalManifest Subset() =>
        manifest with
        {
            Videos = [.. manifest.Videos.GroupBy(v => string.Join("+", v.Anomalies.Select(a => a.Kind ?? "-").Distinct().Order(StringComparer.Ordinal)))
                .SelectMany(g => g.Key.Length == 0 ? g : g.Take(VideosPerKind))],
        };

    private async Task<EvalSummary> EvaluateAsync(EvalManifest subset, string checkpoint, string name, CancellationToken cancellationToken)
    {
        var eval = new EvalRun(
            options,
            subset,
            Path.Combine(outDirectory, name),
            TextWriter.Null,
            (_, _, _, _, _) => throw new InvalidOperationException("the curve scores given checkpoints only"),
            (o, token) => new PipelineRun(o, TextWriter.Null, TimeProvider.System, loggers) { SummaryInterval = TimeSpan.FromHours(1) }.ExecuteAsync(token))
        {
            Checkpoint = checkpoint,
            Pictures = false,
        };
        await eval.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return eval.Summary!;
    }

    /// <summary>Episodes the live run opened in each interval between snapshots, and how many began just after a loop seam.</summary>
    private List<(int Episodes, int AtSeams)> LiveEpisodes(List<Snapshot> live)
    {
        var frames = manifest.Train.Select(FramesOf).ToList();
        var opened = new List<(DateTimeOffset Start, bool AtSeam)>();
        var path = Path.Combine(outDirectory, "live-episodes.jsonl");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.Exists(path) ? File.ReadLines(path) : [])
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (!seen.Add(root.GetProperty("id").GetString()!) || root.GetProperty("kind").GetString() != "surprise")
            {
                continue;
            }

            var stream = int.Parse(root.GetProperty("stream").GetString()!["live-".Length..], CultureInfo.InvariantCulture) - 1;
            var length = frames[stream % frames.Count];
            var atSeam = length > 0 && root.GetProperty("startFrame").GetInt64() % length < 30;
            opened.Add((root.GetProperty("startUtc").GetDateTimeOffset(), atSeam));
        }

        var result = new List<(int, int)> { (0, 0) };
        for (var k = 1; k < live.Count; k++)
        {
            var from = live[k - 1].Minutes;
            var to = live[k].Minutes;
            var inside = opened.Where(o => Minute(o.Start) > from && Minute(o.Start) <= to).ToList();
            result.Add((inside.Count, inside.Count(o => o.AtSeam)));
        }

        return result;

        double Minute(DateTimeOffset at) => (at.UtcDateTime - _began).TotalMinutes;
    }

    private static long FramesOf(string spec)
    {
        var uri = SourceParser.ParseSpec(spec).Uri;
        if (!File.Exists(uri))
        {
            return 0;
        }

        using var capture = new VideoCapture(uri);
        return (long)capture.Get(VideoCaptureProperties.FrameCount);
    }

    private string Report(List<CurveRow> rows, List<(int Episodes, int AtSeams)> live, EvalSummary? reference)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"# Online learning curve: {Streams} live stream(s), {(Checkpoint is null ? "from fresh weights" : $"from {Path.GetFileName(Checkpoint)}")}");
        text.AppendLine();
        var baselines = string.Join(", ", rows[0].Online.BaselineMacroAuc.Select(b => string.Create(c, $"{b.Key} {b.Value:0.000}")));
        text.AppendLine(c, $"Test videos: {rows[0].Online.HeldOutHours * 60:0.0} min of held-out normal frames. Pixel baselines' macro ROC-AUC on the same videos: {baselines}.");
        if (reference is not null)
        {
            var first = rows.FirstOrDefault(r => r.Online.MacroAuc >= 0.95 * reference.MacroAuc);
            text.AppendLine(c, $"Offline reference, {Math.Max(ReferenceSteps, _offlineSteps)} steps on the same video: macro ROC-AUC {reference.MacroAuc:0.000}, {reference.FalsePerHourHeldOut:0} false episodes/h held out ({reference.FalseEpisodesHeldOut}). The served model first reached 95% of it ({0.95 * reference.MacroAuc:0.000}) {(first is null ? "not within the run" : $"at {first.Live.Minutes:0.0} min of video")}.");
        }

        text.AppendLine();
        text.AppendLine("| minutes of video | online steps | online macro AUC | online false ep/h held out (n) | offline macro AUC (same steps) | offline false ep/h held out (n) | episodes opened live in the interval (of them at a loop seam) |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        for (var k = 0; k < rows.Count; k++)
        {
            var r = rows[k];
            text.AppendLine(c, $"| {r.Live.Minutes:0.0} | {r.Live.Step - rows[0].Live.Step} | {r.Online.MacroAuc:0.000} | {r.Online.FalsePerHourHeldOut:0} ({r.Online.FalseEpisodesHeldOut}) | {r.Offline.MacroAuc:0.000} | {r.Offline.FalsePerHourHeldOut:0} ({r.Offline.FalseEpisodesHeldOut}) | {(k == 0 ? "-" : $"{live[k].Episodes} ({live[k].AtSeams})")} |");
        }

        return text.ToString();
    }

    private string Line(CurveRow r) =>
        string.Create(CultureInfo.InvariantCulture, $"bench online: {r.Live.Minutes:0.0} min, step {r.Live.Step}: online macro AUC {r.Online.MacroAuc:0.000}, false {r.Online.FalseEpisodesHeldOut}; offline (same steps) {r.Offline.MacroAuc:0.000}, false {r.Offline.FalseEpisodesHeldOut}");

    private sealed record Snapshot(double Minutes, long Step, string Path)
    {
        public DateTime Written { get; init; }
    }

    private sealed record CurveRow(Snapshot Live, EvalSummary Online, EvalSummary Offline);
}
