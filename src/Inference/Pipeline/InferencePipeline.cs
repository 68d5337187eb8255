using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Logging;
using StreamJepa.Core.Frames;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Engine;
using StreamJepa.Inference.Scoring;
using StreamJepa.Model;

namespace StreamJepa.Inference.Pipeline;

/// <summary>
/// The inference stage as Dataflow blocks: a batch block gathers frames from all streams (sent when full, or cut
/// when the model is idle and the time cap passes, so a slow stream never waits for a fast one) → one model block
/// (degree of parallelism 1, owns the engine, runs on a thread of its own pinned to the model's CPUs; frames are
/// released as soon as their pixels are copied) → one result block (scoring, sinks).
/// No tensor crosses a block: the model block emits host records only.
/// </summary>
public sealed class InferencePipeline : IAsyncDisposable
{
    private readonly BatchBlock<Frame> _batch;
    private readonly TransformBlock<Frame[], StageItem> _model;
    private readonly ActionBlock<StageItem> _results;
    private readonly ITimer _trigger;
    private readonly DedicatedThreadScheduler _modelThread;
    private readonly ResultRouter _router;
    private readonly HJepaEngine _engine;
    private readonly IReadOnlyList<IResultSink> _sinks;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long _shadowFrames;
    private long _modelTicks;
    private long _resultTicks;
    private long _batches;
    private int _busy;
    private (HJepa Model, long Version)? _pending;
    private readonly Lock _promotion = new();
    private Action<IReadOnlyDictionary<string, StreamBaselines>>? _baselinesWanted;

    public InferencePipeline(
        HJepaEngine engine,
        InferenceOptions inference,
        ScoringOptions scoring,
        IReadOnlyList<EnergyStats> priors,
        IReadOnlyList<IResultSink> sinks,
        TimeProvider time,
        ILogger logger,
        IReadOnlyList<int>? modelCpus = null,
        EpisodeContext? episodes = null)
    {
        _engine = engine;
        _time = time;
        _sinks = sinks;
        _logger = logger;
        _shadowFrames = scoring.Window;
        _router = new ResultRouter(scoring, (engine.LevelCount, engine.SceneLevel), priors.ToDictionary(p => p.Level), sinks, time, episodes);
        _batch = new BatchBlock<Frame>(inference.MaxBatch, new GroupingDataflowBlockOptions { BoundedCapacity = inference.MaxBatch * 2 });
        _modelThread = new DedicatedThreadScheduler("streamjepa-model", modelCpus ?? []);
        _model = new TransformBlock<Frame[], StageItem>(
            RunModel,
            new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 1, BoundedCapacity = 2, SingleProducerConstrained = true, TaskScheduler = _modelThread });
        _results = new ActionBlock<StageItem>(HandleResult, new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 1 });
        _batch.LinkTo(_model, new DataflowLinkOptions { PropagateCompletion = true });
        _model.LinkTo(_results, new DataflowLinkOptions { PropagateCompletion = true });
        var period = TimeSpan.FromMilliseconds(inference.BatchTimeoutMs);
        _trigger = time.CreateTimer(_ => TriggerIfIdle(), null, period, period);
    }

    /// <summary>Where frames go in (bounded: a full stage makes replayed files wait).</summary>
    public ITargetBlock<Frame> Input => _batch;

    public IReadOnlyDictionary<string, FrameScore> Latest => _router.Latest;

    public LatencyRecorder Latency => _router.Latency;

    public long EpisodesOpened => _router.EpisodesOpened;

    /// <summary>Baselines kept from an earlier run, by stream id (set before the first frame): a stream whose model version matches starts ready.</summary>
    public IReadOnlyDictionary<string, StreamBaselines>? KeptBaselines
    {
        get => _router.Seeds;
        init => _router.Seeds = value;
    }

    /// <summary>Hands every stream's own baselines to <paramref name="take"/>, on the result block's thread after its next result.</summary>
    public void RequestBaselines(Action<IReadOnlyDictionary<string, StreamBaselines>> take) => Volatile.Write(ref _baselinesWanted, take);

    /// <summary>Every stream's own baselines; call once <see cref="CompleteAsync"/> has returned.</summary>
    public IReadOnlyDictionary<string, StreamBaselines> Baselines() => _router.Baselines();

    public long ModelVersion => _engine.ModelVersion;

    /// <summary>Time the model block has spent on batches.</summary>
    public TimeSpan ModelBusy => TimeSpan.FromTicks(Interlocked.Read(ref _modelTicks));

    /// <summary>Time the result block has spent scoring and handing results to sinks.</summary>
    public TimeSpan ResultBusy => TimeSpan.FromTicks(Interlocked.Read(ref _resultTicks));

    /// <summary>Batches the model has processed.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>
    /// Sees every frame before it is scored (the online trainer's tap); must copy what it keeps and never block.
    /// Set before frames flow.
    /// </summary>
    public FrameTap? Tap { get; set; }

    /// <summary>
    /// Hands new weights to the model block, which scores them in shadow from the next batch on (or, while other
    /// weights are in shadow, once those serve; newer weights replace waiting ones) and lets them serve once every
    /// stream has its baseline for them (or a stream has shown them <c>scoring.window</c> frames).
    /// </summary>
    public void Promote(HJepa model, long version)
    {
        lock (_promotion)
        {
            _pending?.Model.Dispose();
            _pending = (model, version);
        }
    }

    /// <summary>Reports a frame that will never be scored (dropped or damaged), so it keeps its place in the output.</summary>
    public void ReportGap(FrameGap gap) => _results.Post(new GapItem(gap));

    /// <summary>Scores what was accepted, closes open episodes and flushes the sinks.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        _batch.Complete();
        await _results.Completion.ConfigureAwait(false);
        _router.Finish();
        foreach (var sink in _sinks)
        {
            await sink.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _trigger.DisposeAsync().ConfigureAwait(false);
        lock (_promotion)
        {
            _pending?.Model.Dispose();
            _pending = null;
        }

        _batch.Complete();
        foreach (var sink in _sinks)
        {
            await sink.DisposeAsync().ConfigureAwait(false);
        }

        _modelThread.Dispose();
    }

    /// <summary>
    /// The time cap: a partial batch is cut only while the model has nothing to do. While it is busy, frames keep
    /// gathering into full batches (a busy model is faster per frame on full batches), and a partial batch is cut
    /// as soon as it is free again, so no frame waits longer than one batch plus the time cap.
    /// </summary>
    private void TriggerIfIdle()
    {
        if (Volatile.Read(ref _busy) == 0 && _model.InputCount == 0)
        {
            _batch.TriggerBatch();
        }
    }

    /// <summary>
    /// Moves promoted weights into shadow when none are there (newer ones wait, so that a trainer promoting faster
    /// than baselines fill still gets its weights served), and lets shadow weights serve once they are ready.
    /// </summary>
    private void SwapIfPromoted()
    {
        if (_engine.TakeShadowFailure() is { } failure)
        {
            _logger.LogWarning("{Failure}; serving model version {Version} goes on", failure, _engine.ModelVersion);
        }

        if (_engine.ShadowVersion is null)
        {
            (HJepa Model, long Version)? pending;
            lock (_promotion)
            {
                pending = _pending;
                _pending = null;
            }

            if (pending is { } p)
            {
                _engine.Shadow(p.Model, p.Version);
                _logger.LogInformation("scoring model version {Version} in shadow until every stream has a baseline for it", p.Version);
            }
        }

        if (_engine.ShadowVersion is not { } shadow)
        {
            return;
        }

        var (ready, frames) = (_router.ShadowReadyVersion == shadow, _engine.ShadowFrames);
        if (ready || frames >= _shadowFrames)
        {
            _engine.PromoteShadow();
            _logger.LogInformation(
                "serving model version {Version} ({How})",
                shadow,
                ready ? "every stream's baseline carried from its shadow scores" : $"after {frames} frames in shadow; streams without a baseline warm up");
        }
    }

    private void HandleResult(StageItem item)
    {
        var start = _time.GetTimestamp();
        _router.Handle(item);
        if (Interlocked.Exchange(ref _baselinesWanted, null) is { } take)
        {
            take(_router.Baselines());
        }

        Interlocked.Add(ref _resultTicks, _time.GetElapsedTime(start).Ticks);
    }

    private StageItem RunModel(Frame[] frames)
    {
        var start = _time.GetTimestamp();
        Interlocked.Increment(ref _batches);
        Volatile.Write(ref _busy, 1);
        try
        {
            SwapIfPromoted();
            if (Tap is { } tap)
            {
                foreach (var frame in frames)
                {
                    tap(frame.Header, frame.Pixels, _router.Latest.TryGetValue(frame.Header.StreamId, out var last) && last.Anomaly);
                }
            }

            var outcomes = _engine.Process(frames);
            return new ScoredBatch(outcomes, _engine.ModelVersion, _engine.ShadowVersion);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A batch the model cannot process is reported frame by frame; the stage goes on.
            _logger.LogError(ex, "model failed on a batch of {Count} frames", frames.Length);
            var failed = frames.Select(f => new FrameOutcome(f.Header, [], [], null, null, [], $"model error: {ex.Message}")).ToList();
            return new ScoredBatch(failed, _engine.ModelVersion);
        }
        finally
        {
            foreach (var frame in frames)
            {
                frame.Dispose();
            }

            Interlocked.Add(ref _modelTicks, _time.GetElapsedTime(start).Ticks);
            Volatile.Write(ref _busy, 0);
            TriggerIfIdle();
        }
    }
}
