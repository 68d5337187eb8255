using System.Globalization;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using StreamJepa.Configuration;
using StreamJepa.Core.Results;
using StreamJepa.Host.Cli;
using StreamJepa.Host.Observability;
using StreamJepa.Inference.Engine;
using StreamJepa.Inference.Pipeline;
using StreamJepa.Inference.Scoring;
using StreamJepa.Inference.Sinks;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Evidence;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Kafka;
using StreamJepa.Kafka.Models;
using StreamJepa.Kafka.Sources;
using StreamJepa.Model;
using StreamJepa.Training.Online;

namespace StreamJepa.Host.Running;

/// <summary>
/// The main job: every source decoded into the inference stage (batched H-JEPA, free energy, surprise, episodes),
/// results to the configured sinks, with a live per-stream summary until the sources end or the run is stopped.
/// </summary>
internal sealed class PipelineRun
{
    private readonly StreamJepaOptions _options;
    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;

    public PipelineRun(StreamJepaOptions options, TextWriter output, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _output = output;
        _time = time;
        _loggers = loggers;
    }

    public TimeSpan? Duration { get; init; }

    public TimeSpan SummaryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Show the summary as a live table on the terminal (interactive runs) instead of plain text lines.</summary>
    public bool Live { get; init; }

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var logger = _loggers.CreateLogger<PipelineRun>();
        if (_options.Training is { Online: true, SaveTo: { } learntTo })
        {
            WritablePath.Check(learntTo, "training.saveTo");
        }

        var state = _options.Training.StateDirectory is { } stateDirectory ? new LearntState(stateDirectory) : null;
        if (state is not null)
        {
            WritablePath.Check(state.ModelPath, "training.stateDirectory");
        }

        var resumed = state?.Resume(_options.Model, _output);
        if (state is not null && resumed is null)
        {
            _output.WriteLine($"state: starting from {_options.Inference.Checkpoint ?? "fresh weights"}");
        }

        using var follower = _options.Kafka.Models.Follow ? new ModelFollower(_options.Kafka, _options.Kafka.BootstrapServers!, _loggers.CreateLogger<ModelFollower>()) : null;
        var fleet = new FleetModels(_options.Kafka.Models, _options.Model);
        var fromFleet = follower is null ? null : NewestOfFleet(follower, fleet);
        if (fromFleet is not null && resumed is { } superseded)
        {
            superseded.Model.Dispose();
            resumed = null;
        }

        var (model, header) = fromFleet is { } f ? (f.Model, f.Header) : resumed is { } from ? (from.Model, from.Header) : ModelLoader.Load(_options.Inference, _options.Model);
        var learns = _options.Training.Online && follower is null;
        if (_options.Training.Online && follower is not null)
        {
            _output.WriteLine($"learning: off here; this worker serves the fleet's model from {_options.Kafka.Models.Topic} (streamjepa learn publishes it)");
        }

        _options.ValidateModelInput(model.Config);
        var device = TorchRuntime.Initialize(_options.Inference);
        logger.LogInformation("model version {Version} (step {Step}) on {Device}; {Width}x{Height} input, {Levels} levels, {Columns}x{Rows} tokens of {Dim}", header.ModelVersion, header.Step, device.type, model.Config.ImageWidth, model.Config.ImageHeight, model.Config.LevelCount, model.Config.GridWidth, model.Config.GridHeight, model.Config.Dim);

        using var engine = new HJepaEngine(
            model, header.ModelVersion, device, _options.Inference.MaxBatch, _options.Scoring.SceneFrames,
            _options.Inference.ShadowStreams, HJepaEngine.ShadowTurnFrames(model.Config, _options.Scoring));
        var metrics = _options.Metrics.Enabled ? new RunMetrics() : null;
        var streams = new StreamDirectory(_time)
        {
            KeepFinished = _options.Metrics.KeepFinishedSources,
            KeepFinishedFor = _options.Metrics.KeepFinishedSeconds > 0 ? TimeSpan.FromSeconds(_options.Metrics.KeepFinishedSeconds) : null,
        };
        var acknowledgements = new FrameAcknowledgements(streams);
        var evidence = OpenEvidence(streams, logger);
        var kafka = new KafkaSinkKind(_options.Kafka, _time, _loggers);
        var recent = new RecentEpisodes();
        var rollbacks = learns && _options.Training.RollbackAfterEpisodes > 0 ? new RollbackWatch(_options.Training.RollbackAfterEpisodes) : null;
        IResultSink?[] first = [metrics, metrics is null ? null : recent, rollbacks];
        using var results = ResultSinks.Open(_options.Output, _output, [.. first.OfType<IResultSink>()], evidence is null ? [acknowledgements] : [evidence, acknowledgements], kafka);
        var cpus = TorchRuntime.Split(_options.Inference);
        logger.LogInformation("threads: {Intra} libtorch intra-op thread(s), {Split}", TorchRuntime.IntraOpThreads(_options.Inference), cpus);
        var checkpointSha256 = (fromFleet?.Path ?? resumed?.Path ?? _options.Inference.Checkpoint) is { } checkpoint ? Checkpoint.FileSha256(checkpoint) : null;
        var episodes = new EpisodeContext(streams.SourceOf, checkpointSha256, evidence is null ? null : evidence.FilesOf);
        var inference = new InferencePipeline(engine, _options.Inference, _options.Scoring, header.EnergyStats, results.Sinks, _time, _loggers.CreateLogger<InferencePipeline>(), cpus.Model, episodes)
        {
            KeptBaselines = state?.ReadBaselines(_output),
        };
        await using (inference.ConfigureAwait(false))
        {
            using var trainer = learns
                ? new OnlineTrainer(model, header.ModelVersion, _options.Training, inference.Promote, _loggers.CreateLogger<OnlineTrainer>())
                {
                    Saving = state is null ? null : new StateSchedule(state.ModelPath, TimeSpan.FromSeconds(_options.Training.StateEverySeconds), header.Step, header.EnergyStats, LearntState.Keep),
                    InferenceLoad = () => (inference.ModelBusy, streams.Streams.Sum(s => s.Dropped)),
                    LiveFrames = () => streams.Streams.Any(s => s.DropsWhenBehind),
                }
                : null;
            var every = TimeSpan.FromSeconds(_options.Training.StateEverySeconds);
            using var keepBaselines = state is null ? null : _time.CreateTimer(_ => inference.RequestBaselines(b => KeepBaselines(state, b, logger)), null, every, every);
            if (trainer is not null && resumed is { } resumedFrom)
            {
                _output.WriteLine(trainer.Restore(resumedFrom.Path) ? "state: the trainer goes on from its saved state" : "state: the copy holds no trainer state; the trainer starts afresh on its model");
            }

            follower?.Follow(published => Serve(published, fleet, inference, logger));
            if (trainer is not null)
            {
                inference.Tap = trainer.Offer;
                rollbacks?.RollBack = trainer.RollBack;
                trainer.Start();
            }

            using var ingest = new IngestPipeline(_options.Ingest, inference.Input, _time, _loggers, inference.ReportGap, [new KafkaFrameSource(_options.Kafka)], streams) { DecoderCpus = cpus.Decoders, KeepPictures = evidence is not null ? _options.Evidence : metrics is not null ? EvidenceOptions.Thumbnails : null };
            var summary = new StreamSummary(_time, _options.Scoring.FrozenAfter);
            foreach (var source in _options.Sources)
            {
                ingest.Add(source);
            }

            metrics?.Watch(() => ingest.Streams, inference, () => trainer?.Stats, kafka.Publisher, evidence);
            var viewSummary = new StreamSummary(_time, _options.Scoring.FrozenAfter);
            using var live = metrics is null ? null : new LiveState(
                () => ViewState.Take(viewSummary, streams, inference, () => trainer?.Stats, recent, checkpointSha256, _time), _time, TimeSpan.FromSeconds(1), logger);
            var server = metrics is null ? null : await HealthServer.TryStartAsync(
                _options.Metrics, metrics.Registry, () => Health(ingest), () => Readiness(ingest), _options.Metrics.SourceControl ? new SourceControl(ingest, _options.Metrics.MaxSources) : null, logger,
                new WebView(live!, streams, evidence?.Root)).ConfigureAwait(false);
            await using var serving = server;

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (Duration is { } duration)
            {
                stop.CancelAfter(duration);
            }

            using (stop.Token.Register(ingest.Stop))
            {
                var done = ingest.WhenSourcesDoneAsync();
                RunSnapshot Look() => summary.Take(ingest.Streams, inference, trainer?.Stats, kafka.Publisher?.Stats(), final: false);
                if (Live)
                {
                    await AnsiConsole.Live(LiveView.Render(Look())).StartAsync(async live =>
                    {
                        while (!done.IsCompleted)
                        {
                            await Task.WhenAny(done, Task.Delay(SummaryInterval, _time, CancellationToken.None)).ConfigureAwait(false);
                            live.UpdateTarget(LiveView.Render(Look()));
                        }
                    }).ConfigureAwait(false);
                }
                else
                {
                    while (!done.IsCompleted)
                    {
                        await Task.WhenAny(done, Task.Delay(SummaryInterval, _time, CancellationToken.None)).ConfigureAwait(false);
                        if (!done.IsCompleted)
                        {
                            await _output.WriteAsync(StreamSummary.Text(Look())).ConfigureAwait(false);
                        }
                    }
                }

                await done.ConfigureAwait(false);
            }

            follower?.Dispose();        // no version arrives once scoring ends
            var learnt = trainer?.Stats;
            if (trainer is not null)
            {
                trainer.Stop();
                if (state is not null && trainer.Stats.Steps > 0)
                {
                    try
                    {
                        trainer.Save(state.ModelPath, header.Step, header.EnergyStats, LearntState.Keep);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        logger.LogError("could not write the learnt state to {Path} (training.stateDirectory): {Reason}", state.ModelPath, ex.Message);
                    }
                }

                if (_options.Training.SaveTo is { } saveTo && trainer.Stats.Steps > 0)
                {
                    try
                    {
                        trainer.Save(saveTo, header.Step, header.EnergyStats, keep: 3);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        logger.LogError("could not save what was learnt to {Path} (training.saveTo): {Reason}", saveTo, ex.Message);
                    }
                }

                trainer.Dispose();
            }

            await inference.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            if (state is not null)
            {
                KeepBaselines(state, inference.Baselines(), logger);
            }

            if (evidence is not null)
            {
                var rings = ingest.Streams.Select(s => s.Evidence?.Bytes ?? 0).ToList();
                await evidence.CompleteAsync().ConfigureAwait(false);
                await _output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"evidence: {evidence.Written} episode(s) written to {evidence.Root} (clips {evidence.Format.Extension}), {evidence.Dropped} dropped, {evidence.Failed} failed; kept frames {rings.Sum() / 1048576.0:0.0} MiB in all at the end, {(rings.Count == 0 ? 0 : rings.Max() / 1048576.0):0.0} MiB the most for one stream")).ConfigureAwait(false);
            }

            var last = summary.Take(ingest.Streams, inference, learnt, kafka.Publisher?.Stats(), final: true);
            if (Live)
            {
                AnsiConsole.Write(LiveView.Render(last));
            }
            else
            {
                await _output.WriteAsync(StreamSummary.Text(last)).ConfigureAwait(false);
            }

            await _output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            return ingest.Streams.Any(s => s.Status == StreamStatus.Failed) ? ExitCodes.SourceFailed : ExitCodes.Ok;
        }
    }

    /// <summary>The newest version on the model topic, loaded; null when there is none or it cannot be served (said, and the run starts from its configured model).</summary>
    private (HJepa Model, CheckpointHeader Header, string Path)? NewestOfFleet(ModelFollower follower, FleetModels fleet)
    {
        var topic = _options.Kafka.Models.Topic;
        if (follower.CatchUp(TimeSpan.FromSeconds(_options.Kafka.Models.CatchUpSeconds)) is not { } newest)
        {
            _output.WriteLine($"fleet: no model on {topic} yet; starting from {_options.Inference.Checkpoint ?? "fresh weights"}");
            return null;
        }

        if (fleet.Load(newest, out var problem) is not { } loaded)
        {
            _output.WriteLine($"fleet: model version {newest.Version} on {topic} cannot be served ({problem}); starting from {_options.Inference.Checkpoint ?? "fresh weights"}");
            return null;
        }

        _output.WriteLine($"fleet: starting from model version {newest.Version} of {topic} (published {newest.PublishedUtc:u})");
        return loaded;
    }

    /// <summary>Hands a version from the model topic to inference (served after its shadow); why not, when it cannot be.</summary>
    private static string? Serve(PublishedModel published, FleetModels fleet, InferencePipeline inference, ILogger logger)
    {
        if (published.Version == inference.ModelVersion)
        {
            return null;
        }

        if (fleet.Load(published, out var problem) is not { } loaded)
        {
            return problem;
        }

        logger.LogInformation("fleet: model version {Version} received; scoring it in shadow", published.Version);
        inference.Promote(loaded.Model, loaded.Header.ModelVersion);
        return null;
    }

    /// <summary>Writes the streams' baselines to the state directory; a failed write is logged and the run goes on.</summary>
    private static void KeepBaselines(LearntState state, IReadOnlyDictionary<string, StreamBaselines> baselines, ILogger logger)
    {
        try
        {
            state.WriteBaselines(baselines);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError("could not write the streams' baselines to {Path} (training.stateDirectory): {Reason}", state.BaselinesPath, ex.Message);
        }
    }

    /// <summary>The evidence writer of <c>evidence.directory</c>; null when none is set, or when the folder cannot be written (said, and the run goes on without evidence).</summary>
    private EvidenceWriter? OpenEvidence(StreamDirectory streams, ILogger logger)
    {
        if (!_options.Evidence.Enabled)
        {
            return null;
        }

        try
        {
            var writer = new EvidenceWriter(_options.Evidence, streams, _time, _loggers.CreateLogger<EvidenceWriter>());
            logger.LogInformation("evidence: snapshots and clips ({Extension}) of every episode in {Root}", writer.Format.Extension, writer.Root);
            return writer;
        }
        catch (IOException ex)
        {
            _output.WriteLine($"evidence: {ex.Message}; episodes get no evidence, scoring goes on");
            return null;
        }
    }

    private static (bool, string) Health(IngestPipeline ingest) =>
        ingest.Streams.Count > 0 && ingest.Streams.All(s => s.Status == StreamStatus.Failed)
            ? (false, "every source failed")
            : (true, "ok");

    private static (bool, string) Readiness(IngestPipeline ingest)
    {
        var running = ingest.Streams.Count(s => s.Status == StreamStatus.Running);
        return running > 0
            ? (true, $"ready: {running} of {ingest.Streams.Count} stream(s) delivering frames")
            : (false, "no stream is delivering frames: " + string.Join(", ", ingest.Streams.Select(s => $"{s.StreamId} {s.Status.ToString().ToLowerInvariant()}")));
    }
}
