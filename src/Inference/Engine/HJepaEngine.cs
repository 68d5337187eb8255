using StreamJepa.Core.Frames;
using StreamJepa.Core.Modeling;
using StreamJepa.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamJepa.Inference.Engine;

/// <summary>
/// Runs the H-JEPA over batches of frames from many streams. Every frame is encoded once, in one batch; then,
/// in waves (the n-th frame of each stream in the batch, so a stream's frames stay in order), each level compares
/// the predictions waiting for the frame with what it observed (free energy over the latent candidates), stores
/// the new representation and predicts ahead. Everything runs in <c>inference_mode</c> inside a dispose scope;
/// results leave as host arrays. One instance per Dataflow block (it is not thread-safe).
/// </summary>
public sealed class HJepaEngine : IDisposable
{
    private readonly HJepaConfig _config;
    private readonly Device _device;
    private readonly int _maxBatch;
    private readonly Dictionary<string, StreamState> _streams = new(StringComparer.Ordinal);
    private readonly Tensor _latents;
    private readonly Tensor _regulariser;
    private readonly HostBuffer _input;
    private readonly HostBuffer _context;
    private readonly HostBuffer _predictions;
    private readonly HostBuffer _tokens;
    private readonly HostBuffer _pooled;
    private readonly HostBuffer _small;
    private readonly int _tokenLength;
    private HJepa _model;

    public HJepaEngine(HJepa model, long modelVersion, Device device, int maxBatch)
    {
        _model = model;
        _config = model.Config;
        _device = device;
        _maxBatch = maxBatch;
        ModelVersion = modelVersion;
        _model.to(device).eval();
        _latents = LatentCandidates.Create(_config, device).DetachFromDisposeScope();
        _regulariser = LatentCandidates.Regulariser(_latents, _config.LatentWeight).DetachFromDisposeScope();
        var g = _config.Grid;
        _tokenLength = _config.Dim * g * g;
        var widest = Math.Max(_config.Dim, _config.Levels.Max(l => Math.Max(l.Dim, l.Window * Math.Max(l.Dim, _config.Dim))));
        _input = new HostBuffer((long)maxBatch * _config.Channels * _config.ImageSize * _config.ImageSize);
        _context = new HostBuffer((long)maxBatch * Math.Max(_config.ContextFrames * _tokenLength, _config.Levels.Max(l => l.ContextWindows * l.Dim) + widest));
        _predictions = new HostBuffer((long)maxBatch * _config.Candidates * Math.Max(_config.Horizons.Count * _tokenLength, _config.Levels.Max(l => l.Horizons.Count * l.Dim)));
        _tokens = new HostBuffer((long)maxBatch * _tokenLength);
        _pooled = new HostBuffer((long)maxBatch * widest);
        _small = new HostBuffer((long)maxBatch * Math.Max(2 + (g * g), widest));
    }

    public HJepaConfig Config => _config;

    public long ModelVersion { get; private set; }

    /// <summary>Replaces the weights at a batch boundary; the streams' context is kept.</summary>
    public void Swap(HJepa model, long modelVersion)
    {
        if (ConfigDiffers(model.Config))
        {
            throw new ArgumentException("a swapped-in model must have the same architecture", nameof(model));
        }

        model.to(_device).eval();
        var old = _model;
        _model = model;
        ModelVersion = modelVersion;
        old.Dispose();
    }

    /// <summary>Forgets a stream's context (it starts again as a new stream).</summary>
    public void Forget(string stream) => _streams.Remove(stream);

    public IReadOnlyList<FrameOutcome> Process(IReadOnlyList<Frame> frames)
    {
        if (frames.Count == 0 || frames.Count > _maxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), frames.Count, $"a batch holds 1 to {_maxBatch} frames");
        }

        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var batch = new BatchWork(frames, _config);
        var tokens = Encode(batch);
        foreach (var wave in batch.Waves())
        {
            var states = wave.Select(i => State(frames[i].Header.StreamId)).ToArray();
            ScoreFrames(batch, wave, states, tokens);
            foreach (var (i, state) in wave.Zip(states))
            {
                state.Frames.Push(_tokens.Slice((long)i * _tokenLength, _tokenLength));
                state.Step++;
            }

            PredictFrames(wave, states);
            RunLevels(batch, wave, states);
        }

        return batch.Outcomes();
    }

    public void Dispose()
    {
        _latents.Dispose();
        _regulariser.Dispose();
        _model.Dispose();
    }

    private bool ConfigDiffers(HJepaConfig other) =>
        System.Text.Json.JsonSerializer.Serialize(other) != System.Text.Json.JsonSerializer.Serialize(_config);

    private StreamState State(string stream)
    {
        if (!_streams.TryGetValue(stream, out var state))
        {
            state = new StreamState(_config);
            _streams.Add(stream, state);
        }

        return state;
    }

    /// <summary>Encodes every frame of the batch once: tokens (B, D, G, G) on the device, copied to the host too.</summary>
    private Tensor Encode(BatchWork batch)
    {
        var frames = batch.Frames;
        var length = frames[0].Pixels.Length;
        for (var i = 0; i < frames.Count; i++)
        {
            frames[i].Pixels.CopyTo(_input.Slice((long)i * length, length));
        }

        var s = _config.ImageSize;
        var input = _input.View(frames.Count, _config.Channels, s, s).to(_device);
        var finiteInput = _small.CopyFrom(input.isfinite().flatten(1).all(1).to(float32)).data<float>().ToArray();
        var representation = _model.Encoder.forward(input);
        var finiteTokens = representation.Tokens.isfinite().flatten(1).all(1).to(float32);
        var finite = finiteTokens.cpu().data<float>().ToArray();
        for (var i = 0; i < frames.Count; i++)
        {
            if (finiteInput[i] == 0)
            {
                batch.Fail(i, "non-finite values (NaN or Inf) in the frame's model input");
            }
            else if (finite[i] == 0)
            {
                batch.Fail(i, "the model produced a non-finite representation (NaN or Inf weights?)");
            }
        }

        _tokens.CopyFrom(representation.Tokens);
        var pooledHost = _pooled.CopyFrom(representation.Pooled);
        for (var i = 0; i < frames.Count; i++)
        {
            batch.Pooled[i] = pooledHost[i].data<float>().ToArray();
        }

        return representation.Tokens;
    }

    /// <summary>Level 1: free energy of each frame under the predictions made for it, averaged over horizons.</summary>
    private void ScoreFrames(BatchWork batch, int[] wave, StreamState[] states, Tensor tokens)
    {
        var g = _config.Grid;
        var k = _config.Candidates;
        var sums = new (double Energy, double Free, int Count)[wave.Length];
        for (var h = 0; h < _config.Horizons.Count; h++)
        {
            var members = new List<int>();
            for (var w = 0; w < wave.Length; w++)
            {
                if (states[w].Pending.TryGet(states[w].Step, h, out var prediction))
                {
                    prediction.CopyTo(_predictions.Slice((long)members.Count * k * _tokenLength, k * _tokenLength));
                    members.Add(w);
                }
            }

            if (members.Count == 0)
            {
                continue;
            }

            var predicted = _predictions.View(members.Count, k, _config.Dim, g, g).to(_device);
            var index = tensor(members.Select(w => (long)wave[w]).ToArray(), device: _device);
            using var energy = Energy.OfFrames(predicted, tokens.index_select(0, index), _regulariser);
            var result = _small.CopyFrom(cat([energy.AtZeroLatent.unsqueeze(1), energy.Free.unsqueeze(1), energy.Map!.flatten(1)], 1));
            var values = result.data<float>().ToArray();
            var stride = 2 + (g * g);
            for (var m = 0; m < members.Count; m++)
            {
                var w = members[m];
                var (e, f, c) = sums[w];
                sums[w] = (e + values[m * stride], f + values[(m * stride) + 1], c + 1);
                if (h == 0 || batch.EnergyMap[wave[w]] is null)
                {
                    batch.EnergyMap[wave[w]] = values.AsSpan((m * stride) + 2, g * g).ToArray();
                }
            }
        }

        for (var w = 0; w < wave.Length; w++)
        {
            if (sums[w].Count > 0)
            {
                batch.SetLevel(wave[w], 0, (sums[w].Energy / sums[w].Count, sums[w].Free / sums[w].Count), fresh: true);
            }
        }
    }

    /// <summary>Level 1: predicts the token grids at every horizon for each stream whose context is full.</summary>
    private void PredictFrames(int[] wave, StreamState[] states)
    {
        var ready = Enumerable.Range(0, wave.Length).Where(w => states[w].Frames.Full).ToArray();
        if (ready.Length == 0)
        {
            return;
        }

        var contextLength = _config.ContextFrames * _tokenLength;
        for (var r = 0; r < ready.Length; r++)
        {
            states[ready[r]].Frames.CopyTo(_context.Slice((long)r * contextLength, contextLength));
        }

        var g = _config.Grid;
        var context = _context.View(ready.Length, _config.ContextFrames * _config.Dim, g, g).to(_device);
        var predicted = _model.Predictor.forward(new PredictorInput(context, _latents))   // (B, K, H, D, G, G)
            .permute(0, 2, 1, 3, 4, 5).contiguous();                                      // (B, H, K, D, G, G)
        _predictions.CopyFrom(predicted);
        var each = _config.Candidates * _tokenLength;
        for (var r = 0; r < ready.Length; r++)
        {
            var state = states[ready[r]];
            for (var h = 0; h < _config.Horizons.Count; h++)
            {
                var target = state.Step - 1 + _config.Horizons[h];
                _predictions.Slice(((long)r * _config.Horizons.Count + h) * each, each).CopyTo(state.Pending.Store(target, h));
            }
        }
    }

    /// <summary>Levels above the first: windows of the level below's vectors, their energies and predictions.</summary>
    private void RunLevels(BatchWork batch, int[] wave, StreamState[] states)
    {
        // Input to level 2 is each frame's pooled vector; a level's completed windows feed the next level.
        var inputs = wave.Select(i => batch.Pooled[i]).ToArray();
        for (var l = 0; l < _config.Levels.Count; l++)
        {
            var level = _config.Levels[l];
            var due = new List<int>();
            for (var w = 0; w < wave.Length; w++)
            {
                if (inputs[w] is null)
                {
                    continue;
                }

                var levelState = states[w].Levels[l];
                levelState.Items.Push(inputs[w]);
                if (levelState.WindowDue)
                {
                    due.Add(w);
                }
            }

            var outputs = new float[wave.Length][];
            if (due.Count > 0)
            {
                EncodeWindows(batch, l, level, due, wave, states, outputs);
            }

            for (var w = 0; w < wave.Length; w++)
            {
                if (states[w].Levels[l].Latest is { } latest)
                {
                    batch.SetLevel(wave[w], l + 1, latest, fresh: batch.Fresh[wave[w]][l + 1]);
                }
            }

            inputs = outputs;
        }
    }

    private void EncodeWindows(BatchWork batch, int l, Core.Modeling.TemporalLevelConfig level, List<int> due, int[] wave, StreamState[] states, float[][] outputs)
    {
        var inputDim = l == 0 ? _config.Dim : _config.Levels[l - 1].Dim;
        var windowLength = level.Window * inputDim;
        for (var d = 0; d < due.Count; d++)
        {
            states[due[d]].Levels[l].Items.CopyTo(_context.Slice((long)d * windowLength, windowLength));
        }

        var windows = _context.View(due.Count, level.Window, inputDim).to(_device);
        var encoded = _model.Levels[l].Encoder.forward(windows);                 // (N, D)
        var host = _pooled.CopyFrom(encoded).data<float>().ToArray();
        var k = _config.Candidates;
        var sums = new (double Energy, double Free, int Count)[due.Count];
        for (var h = 0; h < level.Horizons.Count; h++)
        {
            ScoreWindows(l, level, due, states, encoded, h, sums);
        }

        for (var d = 0; d < due.Count; d++)
        {
            if (sums[d].Count > 0)
            {
                states[due[d]].Levels[l].Latest = (sums[d].Energy / sums[d].Count, sums[d].Free / sums[d].Count);
                batch.Fresh[wave[due[d]]][l + 1] = true;
            }
        }

        var readyForPrediction = new List<int>();
        for (var d = 0; d < due.Count; d++)
        {
            var w = due[d];
            var vector = host.AsSpan(d * level.Dim, level.Dim).ToArray();
            outputs[w] = vector;
            batch.Windows[wave[w]].Add((l + 2, vector));
            var levelState = states[w].Levels[l];
            levelState.Windows.Push(vector);
            if (levelState.Windows.Full)
            {
                readyForPrediction.Add(w);
            }
        }

        if (readyForPrediction.Count == 0)
        {
            return;
        }

        var contextLength = level.ContextWindows * level.Dim;
        for (var r = 0; r < readyForPrediction.Count; r++)
        {
            states[readyForPrediction[r]].Levels[l].Windows.CopyTo(_context.Slice((long)r * contextLength, contextLength));
        }

        var context = _context.View(readyForPrediction.Count, contextLength).to(_device);
        var predicted = _model.Levels[l].Predictor.forward(new PredictorInput(context, _latents)).permute(0, 2, 1, 3).contiguous();  // (N, H, K, D)
        var predictions = _predictions.CopyFrom(predicted).data<float>().ToArray();
        var each = k * level.Dim;
        for (var r = 0; r < readyForPrediction.Count; r++)
        {
            var levelState = states[readyForPrediction[r]].Levels[l];
            var current = levelState.Windows.Count - 1;
            for (var h = 0; h < level.Horizons.Count; h++)
            {
                predictions.AsSpan(((r * level.Horizons.Count) + h) * each, each).CopyTo(levelState.Pending.Store(current + level.Horizons[h], h));
            }
        }
    }

    private void ScoreWindows(int l, Core.Modeling.TemporalLevelConfig level, List<int> due, StreamState[] states, Tensor encoded, int h, (double Energy, double Free, int Count)[] sums)
    {
        var k = _config.Candidates;
        var members = new List<long>();
        for (var d = 0; d < due.Count; d++)
        {
            var levelState = states[due[d]].Levels[l];
            if (levelState.Pending.TryGet(levelState.Windows.Count, h, out var prediction))
            {
                prediction.CopyTo(_predictions.Slice(members.Count * (long)k * level.Dim, k * level.Dim));
                members.Add(d);
            }
        }

        if (members.Count == 0)
        {
            return;
        }

        var predicted = _predictions.View(members.Count, k, level.Dim).to(_device);
        var observed = encoded.index_select(0, tensor(members.ToArray(), device: _device));
        using var energy = Energy.OfVectors(predicted, observed, _regulariser);
        var values = _small.CopyFrom(stack([energy.AtZeroLatent, energy.Free], 1)).data<float>().ToArray();
        for (var m = 0; m < members.Count; m++)
        {
            var d = (int)members[m];
            var (e, f, c) = sums[d];
            sums[d] = (e + values[2 * m], f + values[(2 * m) + 1], c + 1);
        }
    }
}
