using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Logging;
using StreamJepa.Configuration;
using StreamJepa.Core.Configuration;
using StreamJepa.Core.Frames;
using StreamJepa.Inference.Engine;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Model;
using StreamJepa.Training;
using StreamJepa.Training.Data;
using StreamJepa.Training.Objectives;

namespace StreamJepa.Host.Running;

/// <summary>
/// Offline training: decode the sources into memory, train every level for a number of steps or minutes with a
/// progress line, and write checkpoints (atomically) on the way and at the end, with the energy statistics of the
/// training data.
/// </summary>
internal sealed class TrainRun
{
    private readonly StreamJepaOptions _options;
    private readonly TextWriter _output;
    private readonly ILoggerFactory _loggers;

    public TrainRun(StreamJepaOptions options, TextWriter output, ILoggerFactory loggers)
    {
        _options = options;
        _output = output;
        _loggers = loggers;
    }

    public required string CheckpointPath { get; init; }

    public int? Steps { get; init; }

    /// <summary>Passes over the frames held (one pass = frames / batch size steps), instead of a step count.</summary>
    public int? Epochs { get; init; }

    public TimeSpan? Budget { get; init; }

    public int MaxFramesPerSource { get; init; } = 3000;

    public int CheckpointEvery { get; init; } = 200;

    public bool Resume { get; init; }

    /// <summary>Checkpoints kept: the newest at the path, older ones as PATH.1, PATH.2, …</summary>
    public int Keep { get; init; } = 3;

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        WritablePath.Check(CheckpointPath, "--checkpoint");
        if (Resume && !File.Exists(CheckpointPath))
        {
            throw new ConfigException([new ConfigError("--checkpoint", $"\"{CheckpointPath}\"", "not found: --resume continues from an existing checkpoint (leave --resume out to start a new one)")]);
        }

        var (model, header) = Resume
            ? Checkpoint.Load(CheckpointPath, _options.Model)
            : ModelLoader.Load(_options.Inference with { Checkpoint = null }, _options.Model);
        _options.ValidateModelInput(model.Config);
        var device = TorchRuntime.Initialize(_options.Inference);
        var store = await LoadAsync(cancellationToken).ConfigureAwait(false);

        using var trainer = new HJepaTrainer(model, _options.Training, device);
        var calibration = store.HoldOutTail(_options.Training.CalibrationHoldout, minTail: 2 * trainer.LongestClip, minKeep: trainer.LongestClip);
        var restored = false;
        if (Resume)
        {
            // The online weights, EMA targets and optimiser states, when the checkpoint holds them.
            var (again, _) = Checkpoint.Load(CheckpointPath, _options.Model, reader =>
            {
                trainer.LoadState(reader);
                restored = true;
            });
            again.Dispose();
        }

        await _output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"training on {store.Count} frames from {store.Streams.Count} stream(s), starting at step {header.Step}, model version {header.ModelVersion}{(Resume ? restored ? ", optimiser state restored" : ", no optimiser state in the checkpoint" : string.Empty)}")).ConfigureAwait(false);
        var random = new Random(_options.Inference.Seed);
        _stepsToRun = Epochs is { } epochs ? epochs * Math.Max(1, store.Count / _options.Training.BatchSize) : Steps;
        var watch = Stopwatch.StartNew();
        var step = header.Step;
        var version = header.ModelVersion;
        for (var done = 0; !Finished(done, watch.Elapsed) && !cancellationToken.IsCancellationRequested; done++)
        {
            var rate = LearningRateSchedule.At(_options.Training, done, Share(done, watch.Elapsed));
            trainer.SetLearningRate(rate);
            var losses = trainer.Step(store, random);
            step++;
            if (done % 10 == 0 || Finished(done + 1, watch.Elapsed))
            {
                await _output.WriteLineAsync(Progress(step, done + 1, losses, rate, watch.Elapsed, trainer.SkippedSteps)).ConfigureAwait(false);
            }

            if ((done + 1) % CheckpointEvery == 0)
            {
                Save(trainer, step, ++version, []);
            }
        }

        using var served = trainer.ServedModel();
        var inSample = calibration.Count == 0;
        await _output.WriteLineAsync(inSample
            ? "energy statistics measured on the training frames (no source long enough to hold frames out): new streams may look surprising until their own statistics take over"
            : string.Create(CultureInfo.InvariantCulture, $"energy statistics measured on {calibration.Count} held-out frames (the last {_options.Training.CalibrationHoldout * 100:0}% of each source)")).ConfigureAwait(false);
        var stats = EnergyCalibration.Measure(served, inSample ? store : calibration, device, _options.Inference.MaxBatch, before: inSample ? null : store, _options.Scoring.Window, _options.Scoring.MinSamples, _options.Scoring.OnThreshold);
        Save(trainer, step, ++version, stats);
        var energies = string.Join(", ", stats.Select(s => string.Create(CultureInfo.InvariantCulture, $"level {s.Level} median {s.Median:0.0000} MAD {s.Mad:0.0000}")));
        await _output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"wrote {CheckpointPath}: step {step}, model version {version}; energy {energies}")).ConfigureAwait(false);
        model.Dispose();
        return Cli.ExitCodes.Ok;
    }

    private int? _stepsToRun;

    /// <summary>Steps this run takes: those asked for, 500 when neither steps nor a time budget is given, or null (time only).</summary>
    private int? PlannedSteps => _stepsToRun ?? (Budget is null ? 500 : null);

    private bool Finished(int done, TimeSpan elapsed) =>
        (PlannedSteps is { } steps && done >= steps) || (Budget is { } budget && elapsed >= budget);

    /// <summary>The share of the run done after <paramref name="done"/> steps (by steps or by time, whichever is further), for the learning-rate schedule.</summary>
    private double Share(int done, TimeSpan elapsed)
    {
        var bySteps = PlannedSteps is { } steps ? done / (double)Math.Max(1, steps) : 0;
        var byTime = Budget is { } budget ? elapsed / budget : 0;
        return Math.Max(bySteps, byTime);
    }

    private string Progress(long step, int done, IReadOnlyList<StepLosses> losses, double learningRate, TimeSpan elapsed, long skipped)
    {
        var speed = done / Math.Max(1e-9, elapsed.TotalSeconds);
        var left = PlannedSteps is { } steps ? TimeSpan.FromSeconds((steps - done) / Math.Max(1e-9, speed)) : Budget is { } budget ? budget - elapsed : TimeSpan.Zero;
        var terms = string.Join("  ", losses.Select((l, i) => $"L{i + 1} {l.Total:0.0000} (pred {l.Prediction:0.0000}{(l.Masked > 0 ? $" masked {l.Masked:0.0000}" : string.Empty)} var {l.Variance:0.000} cov {l.Covariance:0.000} rank {l.Health.EffectiveRank:0.0})"));
        return string.Create(CultureInfo.InvariantCulture, $"step {step,6}  {terms}  lr {learningRate:0.0e+00}  {speed:0.0} steps/s  {(int)left.TotalHours}:{left:mm\\:ss} left{(skipped > 0 ? $"  ({skipped} non-finite steps skipped)" : string.Empty)}");
    }

    private void Save(HJepaTrainer trainer, long step, long version, IReadOnlyList<EnergyStats> stats)
    {
        using var served = trainer.ServedModel();
        Checkpoint.Save(CheckpointPath, served, new CheckpointHeader(served.Config, version, step, DateTimeOffset.UtcNow, stats), trainer.SaveState, Keep);
    }

    private async Task<FrameStore> LoadAsync(CancellationToken cancellationToken)
    {
        var store = new FrameStore(_options.Ingest.Shape);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var collector = new ActionBlock<Frame>(
            frame =>
            {
                using (frame)
                {
                    var id = frame.Header.StreamId;
                    var n = counts.GetValueOrDefault(id);
                    if (n < MaxFramesPerSource)
                    {
                        counts[id] = n + 1;
                        store.Add(id, frame.Pixels);
                    }
                }
            },
            new ExecutionDataflowBlockOptions { BoundedCapacity = _options.Ingest.QueueCapacity });
        using var ingest = new IngestPipeline(_options.Ingest with { Realtime = false }, collector, TimeProvider.System, _loggers);
        foreach (var source in _options.Sources)
        {
            ingest.Add(source);
        }

        using (cancellationToken.Register(ingest.Stop))
        {
            await ingest.WhenSourcesDoneAsync().ConfigureAwait(false);
        }

        collector.Complete();
        await collector.Completion.ConfigureAwait(false);
        if (store.Count == 0)
        {
            throw new ConfigException([new ConfigError("sources", null, "no frame could be read from any source to train on")]);
        }

        return store;
    }
}
