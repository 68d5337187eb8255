using System.Globalization;
using System.Text.Json;
using StreamJepa.Configuration;
using StreamJepa.Core.Configuration;
using StreamJepa.Core.Results;
using StreamJepa.Evaluation.Pictures;
using StreamJepa.Inference.Configuration;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Sources;

namespace StreamJepa.Evaluation.Runs;

/// <summary>Trains a model on <paramref name="options"/>' sources into <paramref name="checkpoint"/>, for <paramref name="steps"/> or <paramref name="budget"/>; returns the exit code (0: written).</summary>
public delegate Task<int> TrainModel(StreamJepaOptions options, string checkpoint, int? steps, TimeSpan? budget, CancellationToken cancellationToken);

/// <summary>Scores <paramref name="options"/>' sources with <c>run</c>'s pipeline until they end.</summary>
public delegate Task ScoreSources(StreamJepaOptions options, CancellationToken cancellationToken);

/// <summary>
/// <c>streamjepa eval</c>: trains on the manifest's normal video (unless a checkpoint is given), scores every test
/// video causally with <c>run</c>'s pipeline and scoring (no online learning, files at full speed), scores the same
/// frames with the pixel baselines, and reports frame-level ROC-AUC (per video, macro and micro), average precision
/// and detection latency, per H-JEPA level and combined, next to each baseline.
/// </summary>
public sealed class EvalRun
{
    public const string Combined = "StreamJepa";

    /// <summary>A frame before the model's context filled (no score) ranks below every scored frame.</summary>
    private const double Unscored = -1e9;
    private readonly StreamJepaOptions _options;
    private readonly EvalManifest _manifest;
    private readonly string _out;
    private readonly TextWriter _output;
    private readonly TrainModel _train;
    private readonly ScoreSources _score;
    private IReadOnlyDictionary<string, double>? _baselineDivisors;

    /// <summary>An evaluation of <paramref name="manifest"/> into <paramref name="outDirectory"/>; <paramref name="train"/> and <paramref name="score"/> are <c>train</c>'s and <c>run</c>'s own.</summary>
    public EvalRun(StreamJepaOptions options, EvalManifest manifest, string outDirectory, TextWriter output, TrainModel train, ScoreSources score)
    {
        _options = options;
        _manifest = manifest;
        _out = outDirectory;
        _output = output;
        _train = train;
        _score = score;
    }

    public string? Checkpoint { get; init; }

    public TimeSpan TrainBudget { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Train for this many steps instead of <see cref="TrainBudget"/>.</summary>
    public int? TrainSteps { get; init; }

    /// <summary>Draw each video's timeline and strip of surprising frames (off saves time when only the figures matter).</summary>
    public bool Pictures { get; init; } = true;

    /// <summary>The headline figures, once <see cref="ExecuteAsync"/> has returned.</summary>
    public EvalSummary? Summary { get; private set; }

    public async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_out);
        var checkpoint = Checkpoint ?? await TrainAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<VideoResult>();
        if (BaselineDivisors() is { Count: > 0 } divisors)
        {
            var each = string.Join(", ", divisors.Select(d => $"{d.Key} ÷{d.Value.ToString("0.00", CultureInfo.InvariantCulture)}"));
            await _output.WriteLineAsync($"eval: pixel baselines' surprise divided by their training-video tail at scoring.tailRisk {_options.Scoring.TailRisk.ToString(CultureInfo.InvariantCulture)}: {each}").ConfigureAwait(false);
        }

        foreach (var video in _manifest.Videos)
        {
            await _output.WriteLineAsync($"eval: scoring {video.Id} ({video.Anomalies.Count} anomalies)").ConfigureAwait(false);
            results.Add(await ScoreAsync(video, checkpoint, cancellationToken).ConfigureAwait(false));
        }

        Summary = EvalSummary.Of(results);
        var report = EvalReport.Markdown(results, checkpoint);
        await File.WriteAllTextAsync(Path.Combine(_out, "report.md"), report, cancellationToken).ConfigureAwait(false);
        await _output.WriteAsync(report).ConfigureAwait(false);
    }

    private async Task<string> TrainAsync(CancellationToken cancellationToken)
    {
        if (_manifest.Train.Count == 0)
        {
            throw new ConfigException([new ConfigError("train", null, "the manifest lists no training video and no --checkpoint was given")]);
        }

        var path = Path.Combine(_out, "model.ckpt");
        var options = _options with { Sources = [.. _manifest.Train.Select(SourceParser.ParseSpec)] };
        var budget = TrainSteps is { } steps ? $"{steps} steps" : string.Create(CultureInfo.InvariantCulture, $"{TrainBudget.TotalMinutes:0.#} min");
        await _output.WriteLineAsync($"eval: training on {_manifest.Train.Count} normal source(s) for {budget}").ConfigureAwait(false);
        var exit = await _train(options, path, TrainSteps, TrainSteps is null ? TrainBudget : null, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"training for the evaluation failed (exit code {exit})");
        }

        return path;
    }

    private async Task<VideoResult> ScoreAsync(EvalVideo video, string checkpoint, CancellationToken cancellationToken)
    {
        var scoresPath = Path.Combine(_out, $"{video.Id}.scores.jsonl");
        File.Delete(scoresPath);    // outputs are appended to: this run's scores alone are read back
        var options = _options with
        {
            Sources = [new SourceOptions { Id = video.Id, Uri = video.Path }],
            Ingest = _options.Ingest with { Realtime = false },
            Inference = _options.Inference with { Checkpoint = checkpoint },
            Training = _options.Training with { Online = false, SaveTo = null },
            Scoring = _options.Scoring with { EnergyMaps = true },
            Output = new OutputOptions { Sinks = [SinkKind.Jsonl], Scores = scoresPath },
            Metrics = _options.Metrics with { Enabled = false },
        };
        await _score(options, cancellationToken).ConfigureAwait(false);

        var frames = ReadScores(scoresPath);
        var baselines = PixelBaselines.Score(video.Path);
        var n = Math.Min(frames.Count, baselines.Values.Min(s => s.Length));
        var labels = Enumerable.Range(0, n).Select(f => video.Anomalies.Any(a => a.Contains(f))).ToArray();
        var scores = new Dictionary<string, double[]>();
        var methods = new List<MethodResult>();
        void Add(string name, double[] s, bool[] alerts)
        {
            scores[name] = s;
            methods.Add(new MethodResult(
                name, FrameMetrics.RocAuc(s, labels), FrameMetrics.AveragePrecision(s, labels), FrameMetrics.DetectionLatencies(alerts, video.Anomalies), FrameMetrics.FalseEpisodes(alerts, video.Anomalies)));
        }

        var levels = frames.Max(f => f.Surprises.Count);
        var perLevel = new List<double[]>();
        Add(Combined, [.. frames.Take(n).Select(f => f.Score)], [.. frames.Take(n).Select(f => f.Anomaly)]);
        for (var level = 0; level < levels; level++)
        {
            var surprise = frames.Take(n).Select(f => level < f.Surprises.Count ? f.Surprises[level] : Unscored).ToArray();
            perLevel.Add(surprise);
            Add($"{Combined} level {level + 1}", surprise, CausalAlerts.From(surprise.Select(x => x == Unscored ? 0 : x).ToArray(), minSamples: 1));
        }

        var divisors = BaselineDivisors();
        foreach (var (name, raw) in baselines)
        {
            var s = raw[..n];
            Add(name, s, CausalAlerts.From(s, divisor: divisors.GetValueOrDefault(name, 1)));
        }

        var trace = new VideoTrace(
            video.Id,
            video.Path,
            [.. perLevel.Select(l => l.Select(Gap).ToArray())],
            [.. frames.Take(n).Select(f => Gap(f.Score))],
            [.. frames.Take(n).Select(f => f.Anomaly)],
            video.Anomalies,
            [.. frames.Take(n).Select(f => f.EnergyMap)]);
        return new VideoResult(video.Id, n, labels.Count(l => l), methods, scores, labels)
        {
            Pictures = Pictures ? DrawPictures(trace) : null,
            Kinds = KindsOf(video),
            NormalHours = labels.Count(l => !l) / PixelBaselines.FramesPerSecond(video.Path) / 3600,
            Trained = _manifest.Train.Any(t => string.Equals(Path.GetFullPath(t), Path.GetFullPath(video.Path), StringComparison.Ordinal)),
        };
    }

    /// <summary>
    /// Per pixel baseline, what its surprise is divided by under <c>scoring.tailRisk</c>, from its surprises on the
    /// manifest's training videos, as a checkpoint's tail comes from its training video (measured once). Training
    /// sources that are not files (a synthetic scene, a camera) give none.
    /// </summary>
    private IReadOnlyDictionary<string, double> BaselineDivisors()
    {
        if (_baselineDivisors is null)
        {
            var surprises = new Dictionary<string, List<double>>();
            var files = _manifest.Train.Select(t => SourceParser.ParseSpec(t).Uri).Where(File.Exists);
            foreach (var train in _options.Scoring.TailRisk > 0 ? files : [])
            {
                foreach (var (name, raw) in PixelBaselines.Score(train))
                {
                    (surprises.TryGetValue(name, out var list) ? list : surprises[name] = []).AddRange(CausalAlerts.Surprises(raw));
                }
            }

            _baselineDivisors = surprises.ToDictionary(p => p.Key, p => CausalAlerts.Divisor(p.Value, _options.Scoring.TailRisk));
        }

        return _baselineDivisors;
    }

    private static string KindsOf(EvalVideo video)
    {
        if (video.Anomalies.Count == 0)
        {
            return "none (normal video)";
        }

        var kinds = video.Anomalies.Select(a => a.Kind).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        return kinds.Count == 0 ? "-" : string.Join("+", kinds);
    }

    private static double Gap(double score) => score == Unscored ? double.NaN : score;

    private VideoPictures DrawPictures(VideoTrace trace)
    {
        var timeline = $"{trace.Id}.timeline.png";
        var strip = $"{trace.Id}.strip.png";
        SurpriseTimeline.Save(trace, Path.Combine(_out, timeline), _options.Scoring.OnThreshold);
        var shown = SurpriseStrip.Save(trace, Path.Combine(_out, strip));
        return new VideoPictures(timeline, shown.Count > 0 ? strip : null, shown);
    }

    private static List<ScoredFrame> ReadScores(string path) =>
        [.. File.ReadLines(path).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (!root.TryGetProperty("score", out var score))
            {
                return new ScoredFrame(Unscored, [], false, null); // dropped or damaged
            }

            var surprises = root.GetProperty("levels").EnumerateArray()
                .Select(l => l.GetProperty("surprise") is { ValueKind: JsonValueKind.Number } s ? s.GetDouble() : Unscored).ToList();
            var map = root.TryGetProperty("energyMap", out var m) ? ReadMap(m) : null;
            return new ScoredFrame(score.ValueKind == JsonValueKind.Number ? score.GetDouble() : Unscored, surprises, root.GetProperty("anomaly").GetBoolean(), map);
        })];

    private static EnergyMap ReadMap(JsonElement rows)
    {
        var values = rows.EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToList();
        return new EnergyMap(values.Count, values.Count == 0 ? 0 : values[0].Length, [.. values.SelectMany(r => r)]);
    }

    private sealed record ScoredFrame(double Score, IReadOnlyList<double> Surprises, bool Anomaly, EnergyMap? EnergyMap);
}
