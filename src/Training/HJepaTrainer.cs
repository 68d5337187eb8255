using StreamJepa.Model;
using StreamJepa.Training.Configuration;
using StreamJepa.Training.Data;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace StreamJepa.Training;

/// <summary>
/// Trains every level of the H-JEPA from a <see cref="FrameStore"/>: level 1 on clips of frames, each level above on
/// sequences of the level below's target representations (stop-gradient between levels). The model it serves
/// uses the EMA target encoders with the online predictors.
/// </summary>
public sealed class HJepaTrainer : IDisposable
{
    private readonly HJepa _online;
    private readonly TrainingOptions _options;
    private readonly Device _device;
    private readonly FrameJepaStep _frames;
    private readonly List<WindowJepaStep> _levels = [];
    private readonly ClipAugmentation _augment;
    private int _skipsInARow;

    /// <summary>Non-finite steps in a row that stop training (see <see cref="SkippedSteps"/>).</summary>
    public const int MaxSkipsInARow = 10;

    public HJepaTrainer(HJepa online, TrainingOptions options, Device device)
    {
        _online = online;
        _options = options;
        _device = device;
        _frames = new FrameJepaStep(online, options, device);
        _augment = new ClipAugmentation(options.FlipClips, options.ShiftPixels);
        var inputDim = online.Config.LevelInputDim;
        var below = new List<TorchSharp.Modules.Parameter>(online.Encoder.parameters());
        foreach (var level in online.Levels)
        {
            _levels.Add(new WindowJepaStep(level, inputDim, online.Config, options, device, options.JointLevels ? [.. below] : null));
            below.AddRange(level.Encoder.parameters());
            inputDim = level.Config.Dim;
        }
    }

    public long Steps { get; private set; }

    /// <summary>The most consecutive frames one step samples (the highest level's sequences).</summary>
    public int LongestClip =>
        Math.Max(_online.Config.ContextFrames + _online.Config.Horizons.Max(), _levels.Count == 0 ? 0 : _levels.Select((level, l) => FramesFor(l, level.SequenceLength)).Max());

    /// <summary>One step of every level; returns each level's losses (index 0 = level 1).</summary>
    public IReadOnlyList<StepLosses> Step(IClipSource store, Random random)
    {
        var config = _online.Config;
        var losses = new List<StepLosses>();
        using (var scope = NewDisposeScope())
        {
            var clips = store.Sample(_options.BatchSize, config.ContextFrames + config.Horizons.Max(), random);
            losses.Add(_frames.Step(AugmentedFor(1, clips, random)));
        }

        for (var l = 0; l < _levels.Count; l++)
        {
            using var scope = NewDisposeScope();
            var batch = Math.Max(2, _options.BatchSize / 2);
            var frames = FramesFor(l, _levels[l].SequenceLength);
            var clips = AugmentedFor(l + 2, store.Sample(batch, frames, random), random);
            losses.Add(_levels[l].Step(ItemsOf(l, clips)));
        }

        Steps++;
        CountSkips(losses);
        return losses;
    }

    /// <summary>Steps of some level skipped because a loss or gradient was not finite (weights untouched).</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>
    /// A rare non-finite step is skipped and training goes on; <see cref="MaxSkipsInARow"/> in a row mean the model
    /// itself has diverged, and <see cref="TrainingDivergedException"/> stops training with the weights as they were.
    /// </summary>
    private void CountSkips(List<StepLosses> losses)
    {
        if (!losses.Any(l => l.Skipped))
        {
            _skipsInARow = 0;
            return;
        }

        SkippedSteps++;
        if (++_skipsInARow >= MaxSkipsInARow)
        {
            var levels = string.Join(", ", losses.Select((l, i) => (l, i)).Where(x => x.l.Skipped).Select(x => x.i + 1));
            throw new TrainingDivergedException($"training diverged: {MaxSkipsInARow} steps in a row had a loss or gradient that is not finite (level {levels}); they were skipped, so the weights are the last good ones. Lower training.learningRate (now {_options.LearningRate}) and train again.");
        }
    }

    /// <summary>Sets every level's learning rate for the next steps (see <see cref="Objectives.LearningRateSchedule"/>).</summary>
    public void SetLearningRate(double rate)
    {
        _frames.SetLearningRate(rate);
        foreach (var level in _levels)
        {
            level.SetLearningRate(rate);
        }
    }

    /// <summary>Writes what resuming needs: the online weights, the EMA targets and every optimiser's state.</summary>
    public void SaveState(BinaryWriter writer)
    {
        _online.save(writer);
        _frames.SaveState(writer);
        foreach (var level in _levels)
        {
            level.SaveState(writer);
        }
    }

    /// <summary>Reads what <see cref="SaveState"/> wrote, into a trainer of the same architecture.</summary>
    public void LoadState(BinaryReader reader)
    {
        _online.LoadWeights(reader);
        _frames.LoadState(reader);
        foreach (var level in _levels)
        {
            level.LoadState(reader);
        }
    }

    /// <summary>
    /// Puts the online weights and the EMA targets back to <paramref name="model"/>'s (a rolled-back promotion), so
    /// that learning goes on from the weights served again; the optimisers keep their state.
    /// </summary>
    public void Reset(HJepa model)
    {
        using (no_grad())
        {
            _online.load_state_dict(model.state_dict());
            _frames.Target.load_state_dict(model.Encoder.state_dict());
            for (var l = 0; l < _levels.Count; l++)
            {
                _levels[l].Target.load_state_dict(model.Levels[l].Encoder.state_dict());
            }
        }
    }

    /// <summary>A model to serve: the EMA target encoders with the online predictors, on the CPU.</summary>
    public HJepa ServedModel()
    {
        var served = new HJepa(_online.Config);
        using (no_grad())
        {
            served.Encoder.load_state_dict(_frames.Target.state_dict());
            served.Predictor.load_state_dict(_online.Predictor.state_dict());
            served.Masked?.load_state_dict(_online.Masked!.state_dict());
            for (var l = 0; l < _levels.Count; l++)
            {
                served.Levels[l].Encoder.load_state_dict(_levels[l].Target.state_dict());
                served.Levels[l].Predictor.load_state_dict(_online.Levels[l].Predictor.state_dict());
            }
        }

        return served;
    }

    public void Dispose()
    {
        _frames.Dispose();
        foreach (var level in _levels)
        {
            level.Dispose();
        }
    }

    /// <summary>The clips level <paramref name="level"/> (1 = frames) trains on: augmented from <c>augmentFromLevel</c> up.</summary>
    private Tensor AugmentedFor(int level, Tensor clips, Random random) =>
        level >= _options.AugmentFromLevel ? _augment.Apply(clips, random) : clips;

    /// <summary>Frames needed to make <paramref name="items"/> consecutive items for level index <paramref name="l"/> (0 = level 2).</summary>
    private int FramesFor(int l, int items)
    {
        for (var below = l - 1; below >= 0; below--)
        {
            var level = _online.Config.Levels[below];
            items = level.Window + (level.Stride * (items - 1));
        }

        return items;
    }

    /// <summary>
    /// The input items of level index <paramref name="l"/> for clips (B, T, C, S, S): the lower levels' target
    /// representations under stop-gradient, or (joint levels) their online representations, with gradient.
    /// </summary>
    private Tensor ItemsOf(int l, Tensor clips)
    {
        using var _ = _options.JointLevels ? null : no_grad();
        var (b, t) = (clips.shape[0], clips.shape[1]);
        Module<Tensor, FrameRepresentation> frames = _options.JointLevels ? _online.Encoder : _frames.Target;
        var items = frames.forward(clips.to(_device).flatten(0, 1)).LevelInput(_online.Config.LevelInputGrid).view(b, t, -1);  // (B, T, D·grid²)
        for (var below = 0; below < l; below++)
        {
            var level = _online.Config.Levels[below];
            var count = ((items.shape[1] - level.Window) / level.Stride) + 1;
            var windows = stack([.. Enumerable.Range(0, (int)count).Select(w => items[.., (w * level.Stride)..((w * level.Stride) + level.Window)])], 1);
            Module<Tensor, Tensor> encoder = _options.JointLevels ? _online.Levels[below].Encoder : _levels[below].Target;
            items = encoder.forward(windows.flatten(0, 1)).view(b, count, -1);
        }

        return items;
    }
}
