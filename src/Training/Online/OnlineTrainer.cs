using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using StreamJepa.Core.Frames;
using StreamJepa.Core.Threading;
using StreamJepa.Model;
using StreamJepa.Training.Configuration;
using StreamJepa.Training.Health;
using StreamJepa.Training.Objectives;
using static TorchSharp.torch;

namespace StreamJepa.Training.Online;

/// <summary>
/// Learns from the live streams beside inference, on its own thread and its own copy of the model. Inference
/// offers frames through a bounded, lossy tap (it never waits: the oldest is dropped and counted) that takes a few
/// streams at a time in turn (<see cref="TapRotation"/>); the trainer keeps a replay buffer, trains within its CPU share
/// (at idle CPU priority once frames are live, <see cref="LiveFrames"/>), and every few steps proposes the model it would serve.
/// A proposal is promoted only if its weights are finite, its representation has not collapsed and it predicts the
/// held-back newest frames better than the served model; otherwise it is rejected with the reason, and the served
/// model stays as it was. A promotion that then opens episodes more often than the model it replaced is rolled back
/// (<see cref="RollBack"/>): the replaced model serves again and learning goes on from it.
/// </summary>
public sealed class OnlineTrainer : IDisposable
{
    /// <summary>How often a resting trainer takes in the tap's frames.</summary>
    private static readonly TimeSpan DrainEvery = TimeSpan.FromMilliseconds(250);

    private readonly Channel<(FrameHeader Header, float[] Pixels)> _tap;
    private readonly TapRotation _rotation;
    private readonly HJepa _online;
    private readonly TrainingOptions _options;
    private readonly Action<HJepa, long> _promote;
    private readonly ILogger _logger;
    private readonly CollapseDetector _detector;
    private HJepa _served;
    private long _servedVersion;
    private (HJepa Model, long Version)? _replaced;
    private readonly System.Collections.Concurrent.ConcurrentQueue<(long Version, string Reason)> _rollbacks = new();
    private readonly AutoResetEvent _wake = new(false);
    private long _rollbackCount;
    private readonly ReplayBuffer _replay;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly int _clipLength;
    private readonly HJepaTrainer _trainer;
    private long _version;
    private long _steps;
    private long _promotions;
    private long _rejections;
    private long _tapDrops;
    private long _savedAt = Environment.TickCount64;
    private AdaptiveShare _share;
    private int _disposed;
    private volatile OnlineTrainerStats? _stats;
    private bool _live;
    private bool _idlePriority;

    /// <param name="served">The model inference starts with; the trainer learns on a copy.</param>
    /// <param name="version">Its version: proposals get the next ones.</param>
    /// <param name="options">Training settings.</param>
    /// <param name="promote">Hands an accepted model (and its version) to inference; called on the trainer's thread.</param>
    /// <param name="logger">Promotion and rejection log.</param>
    /// <param name="detector">Decides whether a proposal is collapsing compared with the served model.</param>
    public OnlineTrainer(HJepa served, long version, TrainingOptions options, Action<HJepa, long> promote, ILogger logger, CollapseDetector? detector = null)
    {
        _detector = detector ?? new CollapseDetector();
        _served = new HJepa(served.Config);
        _served.load_state_dict(served.state_dict());
        _options = options;
        _promote = promote;
        _logger = logger;
        _version = version;
        _servedVersion = version;
        _online = new HJepa(served.Config);
        _online.load_state_dict(served.state_dict());
        var config = served.Config;
        _clipLength = config.ContextFrames + config.Horizons.Max();
        _trainer = new HJepaTrainer(_online, options with { Momentum = options.OnlineMomentum }, CPU);
        _trainer.SetLearningRate(LearningRateSchedule.Online(options));
        var longest = _trainer.LongestClip;
        _replay = new ReplayBuffer(Math.Max(options.ReplayRecent, 2 * longest), options.ReplaySegments, longest, config.InputShape, 17, heldBack: 2 * _clipLength, options.ReplayKeep);
        _tap = Channel.CreateBounded<(FrameHeader Header, float[] Pixels)>(
            new BoundedChannelOptions(options.TapCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped =>
            {
                ArrayPool<float>.Shared.Return(dropped.Pixels);
                Interlocked.Increment(ref _tapDrops);
            });
        _rotation = new TapRotation(options.TapStreams, options.ReplayRecent);
        _thread = new Thread(Run) { IsBackground = true, Name = "online-trainer" };
        _share = new AdaptiveShare(options.CpuShare, options.MaxCpuShare, load: null, TimeProvider.System);
    }

    public OnlineTrainerStats Stats => _stats ?? new(0, 0, 0, Interlocked.Read(ref _tapDrops), 0, null, null, null) { ServedVersion = Interlocked.Read(ref _servedVersion) };

    /// <summary>
    /// Asks the trainer to stop serving <paramref name="version"/> (it opened too many episodes, <see cref="RollbackWatch"/>):
    /// if it is still the served version and the trainer promoted it, the model it replaced is handed to inference
    /// again under its own version, and learning goes on from that model. Thread-safe; handled on the trainer's thread.
    /// </summary>
    public void RollBack(long version, string reason)
    {
        _rollbacks.Enqueue((version, reason));
        _wake.Set();
    }

    /// <summary>
    /// Where the trainer writes its state while it learns (on its own thread, every <see cref="StateSchedule.Every"/>);
    /// null writes nothing until <see cref="Save"/>. Set before <see cref="Start"/>.
    /// </summary>
    public StateSchedule? Saving { get; init; }

    /// <summary>Takes the trainer's state (online weights, EMA targets, optimiser) from the checkpoint at <paramref name="path"/>; false when it holds none. Call before <see cref="Start"/>.</summary>
    public bool Restore(string path)
    {
        var restored = false;
        var (model, _) = Checkpoint.Load(path, _served.Config, reader =>
        {
            _trainer.LoadState(reader);
            restored = true;
        });
        model.Dispose();
        return restored;
    }

    /// <summary>
    /// What inference did so far: the model block's cumulative busy time and the frames dropped. With it the trainer's
    /// share follows inference (<see cref="AdaptiveShare"/>); without it the share stays <see cref="TrainingOptions.CpuShare"/>.
    /// Set before <see cref="Start"/>.
    /// </summary>
    public Func<(TimeSpan ModelBusy, long Dropped)>? InferenceLoad
    {
        init => _share = new AdaptiveShare(_options.CpuShare, _options.MaxCpuShare, value, TimeProvider.System);
    }

    /// <summary>
    /// Whether some stream's frames are live (a frame inference is late for is lost). From then on the trainer's thread
    /// runs at idle CPU priority (<see cref="IdlePriority"/>): the kernel gives it only the time that inference and the
    /// decoders leave, so learning cannot cost a live frame, and its share counts the CPU time it got, not the wall time a
    /// step took while it waited. Asked before every step; null means never. Set before <see cref="Start"/>.
    /// </summary>
    public Func<bool>? LiveFrames { get; init; }

    public void Start() => _thread.Start();

    /// <summary>
    /// Offers a frame (copied when the trainer takes it). Never blocks; frames of a stream with an open anomaly are not
    /// learnt from, nor those of a stream out of turn.
    /// </summary>
    public void Offer(FrameHeader header, ReadOnlySpan<float> pixels, bool anomalyOpen)
    {
        if ((anomalyOpen && _options.SkipAnomalies) || !_rotation.Takes(header.StreamId))
        {
            return;
        }

        var copy = ArrayPool<float>.Shared.Rent(pixels.Length);
        pixels.CopyTo(copy);
        if (!_tap.Writer.TryWrite((header, copy)))
        {
            ArrayPool<float>.Shared.Return(copy);   // stopped
        }
    }

    /// <summary>Stops learning: the trainer thread finishes its step and ends. Safe to call more than once.</summary>
    public void Stop()
    {
        _stop.Cancel();
        _tap.Writer.TryComplete();
        if (_thread.IsAlive)
        {
            _thread.Join();
        }
    }

    /// <summary>
    /// Writes the served model (the last promoted, or the one inference started with), its version, the steps
    /// learnt on top of <paramref name="startStep"/>, and the trainer's state, so <c>streamjepa run</c> or
    /// <c>train --resume</c> continue from it. Call after <see cref="Stop"/>.
    /// </summary>
    public void Save(string path, long startStep, IReadOnlyList<EnergyStats> energyStats, int keep)
    {
        if (_thread.IsAlive)
        {
            throw new InvalidOperationException("Stop the online trainer before saving it.");
        }

        Write(path, startStep, energyStats, keep);
    }

    private void Write(string path, long startStep, IReadOnlyList<EnergyStats> energyStats, int keep)
    {
        var header = new CheckpointHeader(_served.Config, Interlocked.Read(ref _servedVersion), startStep + Interlocked.Read(ref _steps), DateTimeOffset.UtcNow, energyStats);
        Checkpoint.Save(path, _served, header, _trainer.SaveState, keep);
        _logger.LogInformation("online trainer: saved model version {Version} ({Steps} online steps) to {Path}", header.ModelVersion, Interlocked.Read(ref _steps), path);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Stop();
        _replay.Dispose();
        _trainer.Dispose();
        _online.Dispose();
        _served.Dispose();
        _replaced?.Model.Dispose();
        _stop.Dispose();
        _wake.Dispose();
    }

    /// <summary>Checks a proposed model against the served one on <paramref name="frames"/>; null when it may be served.</summary>
    public string? Check(HJepa candidate, Tensor frames)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, parameter) in candidate.named_parameters())
        {
            if (!parameter.isfinite().all().item<bool>())
            {
                return $"parameter {name} is not finite";
            }
        }

        candidate.eval();
        _served.eval();
        var proposed = candidate.Encoder.forward(frames).Pooled;
        var served = _served.Encoder.forward(frames).Pooled;
        if (!proposed.isfinite().all().item<bool>() || !served.isfinite().all().item<bool>())
        {
            return "its embeddings of the check frames are not finite";
        }

        var health = EmbeddingHealth.Of(proposed);
        var reference = EmbeddingHealth.Of(served);
        _stats = Snapshot(_stats?.LastLosses, health, _stats?.LastRejection);
        return _detector.CheckAgainst(health, reference);
    }

    /// <summary>
    /// Null when <paramref name="candidate"/> predicts <paramref name="clips"/> (held back from training) with lower
    /// level-1 free energy, relative to the spread of its own representation (<see cref="PredictionEnergy"/>), than the
    /// served model; otherwise why it is no better.
    /// </summary>
    public string? CheckPrediction(HJepa candidate, Tensor clips)
    {
        var proposed = PredictionEnergy.Of(candidate, clips);
        var served = PredictionEnergy.Of(_served, clips);
        return proposed < served
            ? null
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"it predicts the held-back recent frames no better than the served model (relative level-1 free energy {proposed:0.0000} against {served:0.0000})");
    }

    private void Run()
    {
        try
        {
            Learn();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Inference goes on with the model it serves; only learning stops.
            _logger.LogError(ex is TrainingDivergedException ? null : ex, "online trainer stopped, inference keeps serving model version {Version}: {Reason}", Interlocked.Read(ref _servedVersion), ex.Message);
            _stats = Snapshot(_stats?.LastLosses, _stats?.LastHealth, _stats?.LastRejection) with { Stopped = ex.Message };
        }
    }

    private void Learn()
    {
        var random = new Random(23);
        var trainer = _trainer;
        while (!_stop.IsCancellationRequested)
        {
            Drain();
            HandleRollbacks();
            if (!_replay.CanSample(trainer.LongestClip))
            {
                Rest(TimeSpan.FromMilliseconds(100));
                continue;
            }

            YieldToLiveFrames();
            var started = Environment.TickCount64;
            var startedCpu = ThreadCpuClock.Now();
            var losses = trainer.Step(_replay, random);
            var steps = Interlocked.Increment(ref _steps);
            _stats = Snapshot(losses, _stats?.LastHealth, _stats?.LastRejection);
            if (steps % _options.StepsPerProposal == 0)
            {
                Propose(trainer, random);
            }

            SaveIfDue();

            // Stay within the CPU share: rest for as long as the step took (its CPU time at idle priority), scaled.
            var busy = _idlePriority ? (long)(ThreadCpuClock.Now() - startedCpu).TotalMilliseconds : Environment.TickCount64 - started;
            // At idle priority the kernel already keeps inference first: the trainer takes up to the most it may.
            var share = _idlePriority ? Math.Max(_share.Next(), _options.MaxCpuShare) : _share.Next();
            var rest = (long)(busy * (1 - share) / share);
            Rest(TimeSpan.FromMilliseconds(Math.Min(rest, 10_000)));
            while (_share.Paused && !_stop.IsCancellationRequested)
            {
                Rest(TimeSpan.FromMilliseconds(250));     // live frames are being dropped: no step until that stops
                HandleRollbacks();
                _share.Next();
            }
        }
    }

    /// <summary>
    /// Waits for <paramref name="time"/>, less when the run stops or a rollback is asked for, taking in the tap's frames
    /// every quarter of a second meanwhile (the tap holds a few seconds of frames; a long rest must not lose them).
    /// </summary>
    private void Rest(TimeSpan time)
    {
        var until = Environment.TickCount64 + (long)time.TotalMilliseconds;
        for (var left = time; left > TimeSpan.Zero; left = TimeSpan.FromMilliseconds(until - Environment.TickCount64))
        {
            if (WaitHandle.WaitAny([_stop.Token.WaitHandle, _wake], left < DrainEvery ? left : DrainEvery) != WaitHandle.WaitTimeout)
            {
                return;
            }

            Drain();
        }
    }

    /// <summary>Moves the trainer's thread to idle priority the first time frames are live (see <see cref="LiveFrames"/>).</summary>
    private void YieldToLiveFrames()
    {
        if (_live || LiveFrames?.Invoke() != true)
        {
            return;
        }

        _live = true;
        _idlePriority = IdlePriority.Enter();
        _logger.LogInformation(_idlePriority
            ? "online trainer: frames are live; learning at idle CPU priority, on the time inference and decoding leave"
            : "online trainer: frames are live, but idle CPU priority is not available here; learning within its CPU share at normal priority");
    }

    /// <summary>Serves the replaced model again for each rollback asked of the version still served.</summary>
    private void HandleRollbacks()
    {
        while (_rollbacks.TryDequeue(out var request))
        {
            var served = Interlocked.Read(ref _servedVersion);
            if (request.Version != served || _replaced is not { } replaced)
            {
                _logger.LogInformation("online trainer: no rollback of model version {Version} (serving version {Served}{Why})", request.Version, served, _replaced is null ? ", which it did not promote" : string.Empty);
                continue;
            }

            var copy = new HJepa(replaced.Model.Config);
            copy.load_state_dict(replaced.Model.state_dict());
            _served.Dispose();
            _served = replaced.Model;
            _replaced = null;
            Interlocked.Exchange(ref _servedVersion, replaced.Version);
            _trainer.Reset(_served);
            Interlocked.Increment(ref _rollbackCount);
            _logger.LogWarning("online trainer: rolled back model version {Version} to version {Previous}: {Reason}; learning goes on from version {Previous}", request.Version, replaced.Version, request.Reason, replaced.Version);
            _stats = Snapshot(_stats?.LastLosses, _stats?.LastHealth, _stats?.LastRejection) with { LastRollback = request.Reason };
            _promote(copy, replaced.Version);
        }
    }

    /// <summary>Writes the state when <see cref="Saving"/> says it is due; a failed write is logged and learning goes on.</summary>
    private void SaveIfDue()
    {
        if (Saving is not { } saving || Environment.TickCount64 - _savedAt < saving.Every.TotalMilliseconds)
        {
            return;
        }

        _savedAt = Environment.TickCount64;
        try
        {
            Write(saving.Path, saving.StartStep, saving.EnergyStats, saving.Keep);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("online trainer: could not write its state to {Path}: {Reason}; learning goes on", saving.Path, ex.Message);
        }
    }

    private void Drain()
    {
        while (_tap.Reader.TryRead(out var item))
        {
            _replay.Add(item.Header.StreamId, item.Header.Sequence, item.Pixels);
            ArrayPool<float>.Shared.Return(item.Pixels);
        }

        _replay.Settle(stream => _rotation.InTurn(stream));
    }

    private void Propose(HJepaTrainer trainer, Random random)
    {
        var candidate = trainer.ServedModel();
        string? problem;
        using (var scope = NewDisposeScope())
        {
            var sample = _replay.Sample(8, _clipLength, random).flatten(0, 1);
            problem = Check(candidate, sample) ?? (_replay.SampleHeldBack(8, _clipLength, random) is { } heldBack ? CheckPrediction(candidate, heldBack) : null);
        }

        if (problem is null)
        {
            var version = Interlocked.Increment(ref _version);
            Interlocked.Increment(ref _promotions);
            _logger.LogInformation("online trainer: promoted model version {Version} after {Steps} steps", version, _steps);
            var copy = new HJepa(candidate.Config);
            copy.load_state_dict(candidate.state_dict());
            _replaced?.Model.Dispose();
            _replaced = (_served, Interlocked.Read(ref _servedVersion));
            _served = copy;
            Interlocked.Exchange(ref _servedVersion, version);
            _promote(candidate, version);
        }
        else
        {
            Interlocked.Increment(ref _rejections);
            _logger.LogWarning("online trainer: rejected the proposal after {Steps} steps: {Reason}", _steps, problem);
            _stats = Snapshot(_stats?.LastLosses, _stats?.LastHealth, problem);
            candidate.Dispose();
        }
    }

    private OnlineTrainerStats Snapshot(IReadOnlyList<StepLosses>? losses, EmbeddingHealth? health, string? rejection) =>
        new(Interlocked.Read(ref _steps), Interlocked.Read(ref _promotions), Interlocked.Read(ref _rejections), Interlocked.Read(ref _tapDrops), _replay.Frames, losses, health, rejection)
        {
            Rollbacks = Interlocked.Read(ref _rollbackCount),
            LastRollback = _stats?.LastRollback,
            ServedVersion = Interlocked.Read(ref _servedVersion),
            IdlePriority = _idlePriority,
        };
}
