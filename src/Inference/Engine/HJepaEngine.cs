using StreamJepa.Core.Frames;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;
using StreamJepa.Model;
using StreamJepa.Model.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamJepa.Inference.Engine;

/// <summary>
/// Runs the H-JEPA over batches of frames from many streams. Each level makes three model calls per batch, however
/// the frames are spread over streams: encode every new item once; predict ahead from every item whose context is
/// full (contexts are assembled from the stream's history and the batch itself); compare every (item, horizon)
/// with the prediction made for it (free energy over the latent candidates). Everything runs in
/// <c>inference_mode</c> inside a dispose scope; results leave as host arrays. New weights are first scored in
/// shadow, beside the served ones and with their own stream context, so that each stream's baseline for them is
/// ready when they take over (<see cref="Shadow"/>, <see cref="PromoteShadow"/>). With a scene level, every frame's
/// tokens are also compared with the stream's long-term mean grid (<see cref="SceneMemory"/>), reported as the level
/// after the model's last. Not thread-safe: one instance per Dataflow block.
/// </summary>
public sealed class HJepaEngine : IDisposable
{
    private readonly HJepaConfig _config;
    private readonly Device _device;
    private readonly int _maxBatch;
    private readonly Dictionary<string, RepeatCounter> _repeats = new(StringComparer.Ordinal);
    private readonly Tensor _latents;
    private readonly Tensor _regulariser;
    private readonly HostBuffer _input;
    private readonly HostBuffer _context;
    private readonly HostBuffer _predictions;
    private readonly HostBuffer _pairs;
    private readonly HostBuffer _reps;
    private readonly HostBuffer _small;
    private readonly int _tokenLength;
    private readonly int _sceneFrames;
    private readonly int _shadowStreams;
    private readonly int _shadowTurnFrames;
    private ModelLane _served;
    private ModelLane? _shadow;
    private ShadowTurns _turns = new(0, 0);

    /// <param name="model">The weights to serve; moved to <paramref name="device"/>.</param>
    /// <param name="modelVersion">Their version, reported with every outcome.</param>
    /// <param name="device">Where the model runs.</param>
    /// <param name="maxBatch">Most frames one <see cref="Process"/> call takes.</param>
    /// <param name="sceneFrames">Frames the scene level's memory spans; 0 for no scene level.</param>
    /// <param name="shadowStreams">Most streams weights in shadow score at a time, each for a turn of <paramref name="shadowTurnFrames"/> frames (<see cref="ShadowTurns"/>); 0: every stream.</param>
    /// <param name="shadowTurnFrames">Frames of a stream scored in shadow in one turn.</param>
    public HJepaEngine(HJepa model, long modelVersion, Device device, int maxBatch, int sceneFrames = 0, int shadowStreams = 0, int shadowTurnFrames = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sceneFrames);
        ArgumentOutOfRangeException.ThrowIfNegative(shadowStreams);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shadowTurnFrames);
        _config = model.Config;
        _sceneFrames = sceneFrames;
        _shadowStreams = shadowStreams;
        _shadowTurnFrames = shadowTurnFrames;
        _device = device;
        _maxBatch = maxBatch;
        model.to(device).eval();
        _served = new ModelLane(model, modelVersion);
        _latents = LatentCandidates.Create(_config, device).DetachFromDisposeScope();
        _regulariser = LatentCandidates.Regulariser(_latents, _config.LatentWeight).DetachFromDisposeScope();
        _tokenLength = _config.Dim * _config.Tokens;
        var k = _config.Candidates;
        var inputs = new List<int> { _config.LevelInputDim };
        inputs.AddRange(_config.Levels.Select(l => l.Dim));
        var contexts = _config.Levels.Select((l, i) => Math.Max(l.ContextWindows * l.Dim, l.Window * inputs[i])).Append(_config.ContextFrames * _tokenLength);
        var predictions = _config.Levels.Select(l => l.Horizons.Count * k * l.Dim).Append(_config.Horizons.Count * k * _tokenLength);
        _input = new HostBuffer((long)maxBatch * _config.InputShape.Length);
        _context = new HostBuffer((long)maxBatch * contexts.Max());
        _predictions = new HostBuffer((long)maxBatch * predictions.Max());
        _pairs = new HostBuffer((long)maxBatch * predictions.Max());
        _reps = new HostBuffer((long)maxBatch * Math.Max(_tokenLength, inputs.Max()));
        _small = new HostBuffer((long)maxBatch * Math.Max(_config.LevelInputDim, Math.Max(_config.Horizons.Count, _config.Levels.Max(l => l.Horizons.Count)) * (2 + _config.Tokens)));
    }

    public HJepaConfig Config => _config;

    /// <summary>The shadow turn (frames of a stream) that gives every alert level of <paramref name="config"/> its baseline under <paramref name="scoring"/>.</summary>
    public static int ShadowTurnFrames(HJepaConfig config, ScoringOptions scoring) => ShadowTurns.TurnFramesFor(config, scoring);

    /// <summary>Levels each outcome reports: the model's, then the scene level when there is one.</summary>
    public int LevelCount => _config.LevelCount + (_sceneFrames > 0 ? 1 : 0);

    /// <summary>The scene level's number (the level after the model's last), or 0 without one.</summary>
    public int SceneLevel => _sceneFrames > 0 ? LevelCount : 0;

    /// <summary>Version of the weights that score the frames.</summary>
    public long ModelVersion => _served.Version;

    /// <summary>Version of the weights scored in shadow, or null when there are none.</summary>
    public long? ShadowVersion => _shadow?.Version;

    /// <summary>Frames of the stream the shadow weights have seen most of (0 without shadow weights).</summary>
    public long ShadowFrames => _shadow?.MostFrames ?? 0;

    /// <summary>
    /// Scores <paramref name="model"/> beside the served weights from the next batch on: every outcome then carries
    /// its energies as <see cref="FrameOutcome.Shadow"/>. Weights already in shadow are dropped for the newer ones.
    /// </summary>
    public void Shadow(HJepa model, long modelVersion)
    {
        if (ConfigDiff.Between(_config, model.Config).Count > 0)
        {
            throw new ArgumentException("new weights must have the same architecture", nameof(model));
        }

        model.to(_device).eval();
        _shadow?.Dispose();
        _shadow = new ModelLane(model, modelVersion);
        _turns = new ShadowTurns(_shadowStreams, _shadowTurnFrames);
    }

    /// <summary>
    /// The shadow weights, with the stream context they built, serve from the next batch on. A stream out of its
    /// shadow turn has a stale context (frames it missed since): it starts its context again, keeping its scene memory.
    /// </summary>
    public void PromoteShadow()
    {
        var shadow = _shadow ?? throw new InvalidOperationException("no weights are scored in shadow");
        foreach (var stream in shadow.Streams.Where(s => !_turns.InTurn(s)).ToList())
        {
            shadow.Restart(stream);
        }

        _served.Dispose();
        _served = shadow;
        _shadow = null;
    }

    public IReadOnlyList<FrameOutcome> Process(IReadOnlyList<Frame> frames)
    {
        if (frames.Count == 0 || frames.Count > _maxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), frames.Count, $"a batch holds 1 to {_maxBatch} frames");
        }

        var repeats = frames.Select(f => Repeats(f.Header.StreamId).Observe(f.Pixels)).ToArray();
        var served = Run(frames, repeats, _served);
        return served.Outcomes(repeats, RunShadow(frames, repeats));
    }

    /// <summary>Why the last weights in shadow were dropped (they failed on a batch), until <see cref="TakeShadowFailure"/> reads it.</summary>
    public string? ShadowFailure { get; private set; }

    /// <summary>Returns and clears <see cref="ShadowFailure"/>.</summary>
    public string? TakeShadowFailure()
    {
        var failure = ShadowFailure;
        ShadowFailure = null;
        return failure;
    }

    public void Dispose()
    {
        _latents.Dispose();
        _regulariser.Dispose();
        _shadow?.Dispose();
        _served.Dispose();
    }

    private RepeatCounter Repeats(string stream)
    {
        if (!_repeats.TryGetValue(stream, out var counter))
        {
            counter = new RepeatCounter();
            _repeats.Add(stream, counter);
        }

        return counter;
    }

    /// <summary>
    /// The shadow lane over the frames of the streams in their shadow turn (<see cref="ShadowTurns"/>), as each
    /// frame's shadow outcome (null for frames out of turn), or null without shadow weights. A stream whose turn begins
    /// starts its shadow context again (it missed frames since its last turn). Weights that fail are dropped (the
    /// served ones go on alone), so a bad promotion never costs a frame its score.
    /// </summary>
    private ShadowOutcome?[]? RunShadow(IReadOnlyList<Frame> frames, int[] repeats)
    {
        if (_shadow is not { } shadow)
        {
            return null;
        }

        foreach (var stream in _turns.Next(frames.Select(f => f.Header.StreamId)))
        {
            shadow.Restart(stream);
        }

        var inTurn = Enumerable.Range(0, frames.Count).Where(i => _turns.InTurn(frames[i].Header.StreamId)).ToArray();
        var outcomes = new ShadowOutcome?[frames.Count];
        if (inTurn.Length == 0)
        {
            return outcomes;
        }

        try
        {
            var work = Run([.. inTurn.Select(i => frames[i])], [.. inTurn.Select(i => repeats[i])], shadow);
            for (var j = 0; j < inTurn.Length; j++)
            {
                _turns.Scored(frames[inTurn[j]].Header.StreamId);
                outcomes[inTurn[j]] = work.Errors[j] is null ? new ShadowOutcome(shadow.Version, work.Levels[j], work.Fresh[j]) : null;
            }

            return outcomes;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ShadowFailure = $"model version {shadow.Version} failed in shadow and was dropped: {ex.Message}";
            shadow.Dispose();
            _shadow = null;
            return null;
        }
    }

    /// <summary>Every level of one lane over the batch, each in one scope: nothing but host arrays leaves it.</summary>
    private BatchWork Run(IReadOnlyList<Frame> frames, int[] repeats, ModelLane lane)
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var batch = new BatchWork(frames, LevelCount, lane);
        var tokens = Encode(batch);
        FrameLevel(batch, tokens);
        if (_sceneFrames > 0)
        {
            ScoreScene(batch, tokens, repeats);
        }

        UpperLevels(batch);
        return batch;
    }

    /// <summary>
    /// Encodes every frame of the batch once: the observed tokens (B, D, Gh, Gw) stay on the device for scoring; the
    /// context tokens (the predictor's input, without photometry unless the model keeps it there) go to the host.
    /// </summary>
    private Tensor Encode(BatchWork batch)
    {
        var frames = batch.Frames;
        var length = frames[0].Pixels.Length;
        for (var i = 0; i < frames.Count; i++)
        {
            frames[i].Pixels.CopyTo(_input.Slice((long)i * length, length));
            batch.Lane.Saw(frames[i].Header.StreamId);
        }

        var input = _input.View(frames.Count, _config.Channels, _config.ImageHeight, _config.ImageWidth).to(_device);
        var representation = batch.Lane.Model.Encoder.forward(input);
        var finite = stack([input.isfinite().flatten(1).all(1), representation.Tokens.isfinite().flatten(1).all(1)], 1).to(float32);
        _small.CopyFrom(finite);
        var checks = _small.Array;
        for (var i = 0; i < frames.Count; i++)
        {
            if (checks[2 * i] == 0)
            {
                batch.Fail(i, "non-finite values (NaN or Inf) in the frame's model input");
            }
            else if (checks[(2 * i) + 1] == 0)
            {
                batch.Fail(i, "the model produced a non-finite representation (NaN or Inf weights?)");
            }
        }

        _small.CopyFrom(representation.Pooled);
        var pooled = _small.Array;
        for (var i = 0; i < frames.Count; i++)
        {
            batch.Pooled[i] = pooled.AsSpan(i * _config.Dim, _config.Dim).ToArray();
        }

        if (_config.LevelInputGrid > 1)
        {
            var cells = _config.LevelInputDim;
            var inputs = batch.UseCellInputs();
            _small.CopyFrom(representation.LevelInput(_config.LevelInputGrid));
            for (var i = 0; i < frames.Count; i++)
            {
                inputs[i] = _small.Array.AsSpan(i * cells, cells).ToArray();
            }
        }

        _reps.CopyFrom(representation.Context);
        return representation.Tokens;
    }

    /// <summary>Level 1: every scorable frame is one item of its stream's frame sequence.</summary>
    private void FrameLevel(BatchWork batch, Tensor tokens)
    {
        var pass = new LevelPass();
        foreach (var i in batch.Scorable())
        {
            pass.Add(batch.Lane.State(batch.Frames[i].Header.StreamId).Frames, i);
        }

        var (gh, gw) = (_config.GridHeight, _config.GridWidth);
        var maps = new float[]?[pass.Count];
        var energies = RunSequences(
            pass,
            tokens.index_select(0, tensor(Enumerable.Range(0, pass.Count).Select(p => (long)pass.Frame(p)).ToArray(), device: _device)),
            p => _reps.Slice((long)pass.Frame(p) * _tokenLength, _tokenLength),
            [_config.Dim, gh, gw],
            _config.ContextFrames,
            _config.Horizons,
            context => batch.Lane.Model.Predictor.forward(new PredictorInput(context.view(context.shape[0], _config.ContextFrames * _config.Dim, gh, gw), _latents)),
            maps,
            batch.Lane.Model.Masked is { } masked && _config.MaskedEnergyWeight > 0 ? context => masked.forward(context.view(context.shape[0], _config.ContextFrames * _config.Dim, gh, gw)) : null);
        for (var p = 0; p < pass.Count; p++)
        {
            var frame = pass.Frame(p);
            if (energies[p] is { } e)
            {
                batch.Levels[frame][0] = e;
                batch.Fresh[frame][0] = true;
                batch.EnergyMap[frame] = maps[p] is { } map ? new EnergyMap(gh, gw, map) : null;
            }
        }
    }

    /// <summary>
    /// The scene level: each scorable frame's tokens against its stream's memory, which then takes the frame in unless
    /// it repeats the picture before it (a frozen feed says nothing about the scene, and must not become its memory).
    /// </summary>
    private void ScoreScene(BatchWork batch, Tensor tokens, int[] repeats)
    {
        var seeded = false;
        foreach (var i in batch.Scorable())
        {
            var state = batch.Lane.State(batch.Frames[i].Header.StreamId);
            if (state.Scene is null && NewScene(batch.Lane, batch.Frames[i].Header.StreamId, ref seeded) is { } scene)
            {
                state.Scene = scene;
            }
        }

        _reps.CopyFrom(tokens);
        var level = LevelCount - 1;
        foreach (var i in batch.Scorable())
        {
            if (batch.Lane.State(batch.Frames[i].Header.StreamId).Scene is not { } scene)
            {
                continue;   // its memory is seeded in a later batch
            }

            var learn = repeats[i] == 0;
            if (scene.Observe(_reps.Slice((long)i * _tokenLength, _tokenLength), _config.EnergyTopTokens, learn, learn ? batch.Frames[i].Pixels : default) is { } observed)
            {
                batch.Levels[i][level] = (observed.Energy, observed.Energy);
                batch.Fresh[i][level] = true;
                batch.SceneMap[i] = new EnergyMap(_config.GridHeight, _config.GridWidth, observed.Map);
            }
        }
    }

    /// <summary>
    /// A scene memory for <paramref name="stream"/> in <paramref name="lane"/>. Weights in shadow start from the served
    /// weights' memory: its kept pictures, encoded with the new weights, give the mean grid (so the scene level of new
    /// weights is as mature as the old one's, not a memory of the last few seconds); otherwise an empty memory. One
    /// stream's pictures are encoded per batch (<paramref name="seeded"/> says a batch has had its turn), so a swap
    /// among many streams spreads the work instead of stalling one batch; the others wait (null).
    /// </summary>
    private SceneMemory? NewScene(ModelLane lane, string stream, ref bool seeded)
    {
        if (lane == _served || _served.Find(stream)?.Scene is not { Pictures.Count: > 0 } served)
        {
            return new SceneMemory(_sceneFrames, _config.Dim, _config.Tokens);
        }

        if (seeded)
        {
            return null;
        }

        seeded = true;

        var pictures = served.Pictures.ToArray();
        var length = _config.InputShape.Length;
        var sum = zeros([_config.Dim, _config.GridHeight, _config.GridWidth], device: _device);
        foreach (var chunk in pictures.Chunk(_maxBatch))
        {
            for (var p = 0; p < chunk.Length; p++)
            {
                var input = _input.Slice((long)p * length, length);
                for (var j = 0; j < length; j++)
                {
                    input[j] = (float)chunk[p][j];
                }
            }

            var grids = lane.Model.Encoder.forward(_input.View(chunk.Length, _config.Channels, _config.ImageHeight, _config.ImageWidth).to(_device)).Tokens;
            sum.add_(grids.sum(dim: 0));   // (D, Gh, Gw)
        }

        _reps.CopyFrom(sum.div_(pictures.Length));
        return SceneMemory.Seeded(served, _reps.Slice(0, _tokenLength));
    }

    /// <summary>Levels above the first: windows of the level below, completed in this batch, are the items.</summary>
    private void UpperLevels(BatchWork batch)
    {
        // Inputs of level 2 are the frames' level inputs (pooled vectors, or cells of a coarse grid); each level's
        // windows are the inputs of the next.
        var inputs = new float[]?[batch.Frames.Count];
        foreach (var i in batch.Scorable())
        {
            inputs[i] = batch.LevelInput[i];
        }

        for (var l = 0; l < _config.Levels.Count; l++)
        {
            var level = _config.Levels[l];
            var inputDim = l == 0 ? _config.LevelInputDim : _config.Levels[l - 1].Dim;
            var pass = new LevelPass();
            var windowLength = level.Window * inputDim;
            for (var i = 0; i < inputs.Length; i++)
            {
                if (inputs[i] is not { } input)
                {
                    continue;
                }

                var state = batch.Lane.State(batch.Frames[i].Header.StreamId).Levels[l];
                state.Items.Push(input);
                if (state.WindowDue)
                {
                    state.Items.CopyTo(_context.Slice((long)pass.Count * windowLength, windowLength));
                    pass.Add(state.Windows, i);
                }
            }

            var outputs = new float[]?[inputs.Length];
            if (pass.Count > 0)
            {
                var encoded = batch.Lane.Model.Levels[l].Encoder.forward(_context.View(pass.Count, level.Window, inputDim).to(_device));  // (N, D)
                _reps.CopyFrom(encoded);
                var energies = RunSequences(
                    pass,
                    encoded,
                    p => _reps.Slice((long)p * level.Dim, level.Dim),
                    [level.Dim],
                    level.ContextWindows,
                    level.Horizons,
                    context => batch.Lane.Model.Levels[l].Predictor.forward(new PredictorInput(context, _latents)),
                    null);
                for (var p = 0; p < pass.Count; p++)
                {
                    var frame = pass.Frame(p);
                    var vector = _reps.Slice((long)p * level.Dim, level.Dim).ToArray();
                    outputs[frame] = vector;
                    batch.Windows[frame].Add((l + 2, vector));
                    if (energies[p] is { } e)
                    {
                        batch.Levels[frame][l + 1] = e;
                        batch.Fresh[frame][l + 1] = true;
                    }
                }
            }

            // Frames report their level's latest window energy, in batch order (causal within the batch too).
            foreach (var i in batch.Scorable())
            {
                var state = batch.Lane.State(batch.Frames[i].Header.StreamId).Levels[l];
                if (batch.Fresh[i][l + 1])
                {
                    state.Latest = batch.Levels[i][l + 1];
                }

                batch.Levels[i][l + 1] = state.Latest;
            }

            inputs = outputs;
        }
    }

    /// <summary>
    /// One level over one batch: predicts from every item whose context is full (one call), scores every item
    /// against the predictions made for it at each horizon, from this batch or earlier ones (one call), then
    /// stores the items and the new predictions. Returns each item's mean energy and free energy over horizons,
    /// to which level 1 adds <c>maskedEnergyWeight</c> times the energy of its masked prediction of the item
    /// (<paramref name="masked"/>, given only when that weight is above 0).
    /// </summary>
    private (double Energy, double Free)?[] RunSequences(
        LevelPass pass,
        Tensor items,
        Func<int, Span<float>> host,
        long[] shape,
        int contextItems,
        IReadOnlyList<int> horizons,
        Func<Tensor, Tensor> predict,
        float[]?[]? maps,
        Func<Tensor, Tensor>? masked = null)
    {
        var length = (int)shape.Aggregate(1L, (a, b) => a * b);
        var k = _config.Candidates;
        var each = k * length;
        var (rows, spatial) = Predict(pass, items, host, length, contextItems, horizons, predict, masked);
        var sums = new (double Energy, double Free, int Count, int MapHorizon)[pass.Count];
        var pairs = new List<long>();
        var stride = 2 + (maps is null ? 0 : length / _config.Dim);
        for (var h = 0; h < horizons.Count; h++)
        {
            pairs.Clear();
            for (var p = 0; p < pass.Count; p++)
            {
                var owner = pass.Owner(p);
                var source = pass.Step(p) - horizons[h];
                var j = source >= owner.Step ? pass.ItemAt(owner, source) : -1;
                var target = _pairs.Slice(pairs.Count * (long)each, each);
                if (j >= 0 && rows[j] >= 0)
                {
                    _predictions.Slice(((long)(rows[j] * horizons.Count) + h) * each, each).CopyTo(target);
                }
                else if (j >= 0 || !owner.Pending.TryGet(pass.Step(p), h, out var pending))
                {
                    continue;
                }
                else
                {
                    pending.CopyTo(target);
                }

                pairs.Add(p);
            }

            if (pairs.Count == 0)
            {
                continue;
            }

            var predicted = _pairs.View([pairs.Count, k, .. shape]).to(_device);
            var observed = items.index_select(0, tensor(pairs.ToArray(), device: _device));
            using var energy = maps is null ? Energy.OfVectors(predicted, observed, _regulariser) : Energy.OfFrames(predicted, observed, _regulariser, _config.EnergyTopTokens);
            Tensor[] parts = energy.Map is null ? [energy.AtZeroLatent.unsqueeze(1), energy.Free.unsqueeze(1)] : [energy.AtZeroLatent.unsqueeze(1), energy.Free.unsqueeze(1), energy.Map.flatten(1)];
            _small.CopyFrom(cat(parts, 1));
            var values = _small.Array;
            for (var m = 0; m < pairs.Count; m++)
            {
                var p = (int)pairs[m];
                var (e, f, c, _) = sums[p];
                sums[p] = (e + values[m * stride], f + values[(m * stride) + 1], c + 1, 0);
                if (maps is not null && maps[p] is null)
                {
                    maps[p] = values.AsSpan((m * stride) + 2, stride - 2).ToArray();
                }
            }
        }

        Store(pass, host, horizons, rows, each);
        var energies = new (double Energy, double Free)?[pass.Count];
        for (var p = 0; p < pass.Count; p++)
        {
            var (e, f, c, _) = sums[p];
            if (c == 0)
            {
                continue;
            }

            var weight = _config.MaskedEnergyWeight;
            var extra = spatial?[p] is { } s ? weight * s.Term : 0;
            if (spatial?[p] is { } m && maps?[p] is { } map)
            {
                for (var i = 0; i < map.Length; i++)
                {
                    map[i] += weight * m.Map[i];
                }
            }

            energies[p] = ((e / c) + extra, (f / c) + extra);
        }

        return energies;
    }

    /// <summary>
    /// Predicts from every item whose context is full; returns each item's row in the predictions, or -1, and, with a
    /// masked predictor, each such item's masked energy: its token term and its token map.
    /// </summary>
    private (int[] Rows, (double Term, float[] Map)?[]? Masked) Predict(
        LevelPass pass,
        Tensor items,
        Func<int, Span<float>> host,
        int length,
        int contextItems,
        IReadOnlyList<int> horizons,
        Func<Tensor, Tensor> predict,
        Func<Tensor, Tensor>? masked)
    {
        var rows = new int[pass.Count];
        var ready = 0;
        var contextLength = contextItems * length;
        for (var p = 0; p < pass.Count; p++)
        {
            rows[p] = -1;
            var owner = pass.Owner(p);
            var step = pass.Step(p);
            if (step + 1 < contextItems)
            {
                continue;
            }

            var context = _context.Slice((long)ready * contextLength, contextLength);
            for (var c = 0; c < contextItems; c++)
            {
                var at = step - contextItems + 1 + c;
                var j = at >= owner.Step ? pass.ItemAt(owner, at) : -1;
                var source = j >= 0 ? (ReadOnlySpan<float>)host(j) : owner.History.TryGet(at, out var held) ? held : throw new InvalidOperationException($"step {at} is neither held nor in the batch");
                source.CopyTo(context.Slice(c * length, length));
            }

            rows[p] = ready++;
        }

        if (ready == 0)
        {
            return (rows, null);
        }

        var contexts = _context.View(ready, contextLength).to(_device);
        var predicted = predict(contexts);                                           // (N, K, H, …)
        var order = Enumerable.Range(0, (int)predicted.dim()).Select(d => (long)d).ToArray();
        (order[1], order[2]) = (2, 1);
        _predictions.CopyFrom(predicted.permute(order).contiguous());               // (N, H, K, …)
        return (rows, masked is null ? null : MaskedEnergies(rows, items, masked(contexts)));
    }

    /// <summary>
    /// Masked energy of every item that has a prediction row: its observed tokens against the masked prediction
    /// (N, D, Gh, Gw) made from its context, as a token term and a token map.
    /// </summary>
    private (double Term, float[] Map)?[] MaskedEnergies(int[] rows, Tensor items, Tensor predicted)
    {
        var ready = Enumerable.Range(0, rows.Length).Where(p => rows[p] >= 0).Select(p => (long)p).ToArray();
        var map = Energy.TokenMap(predicted, items.index_select(0, tensor(ready, device: _device)));  // (N, Gh, Gw)
        var tokens = _config.Tokens;
        _small.CopyFrom(cat([Energy.TokenTerm(map, _config.EnergyTopTokens).unsqueeze(1), map.flatten(1)], 1));
        var values = _small.Array;
        var energies = new (double Term, float[] Map)?[rows.Length];
        foreach (var p in ready)
        {
            var at = rows[p] * (tokens + 1);
            energies[p] = (values[at], values.AsSpan(at + 1, tokens).ToArray());
        }

        return energies;
    }

    /// <summary>Appends the items to their sequences and keeps the predictions about later steps.</summary>
    private void Store(LevelPass pass, Func<int, Span<float>> host, IReadOnlyList<int> horizons, int[] rows, int each)
    {
        foreach (var (owner, items) in pass.ByOwner)
        {
            foreach (var p in items)
            {
                owner.History.Push(host(p));
                if (rows[p] < 0)
                {
                    continue;
                }

                for (var h = 0; h < horizons.Count; h++)
                {
                    _predictions.Slice(((long)(rows[p] * horizons.Count) + h) * each, each)
                        .CopyTo(owner.Pending.Store(pass.Step(p) + horizons[h], h));
                }
            }
        }
    }
}
