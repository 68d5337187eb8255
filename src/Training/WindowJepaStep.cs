using StreamJepa.Model;
using StreamJepa.Model.Configuration;
using StreamJepa.Training.Configuration;
using StreamJepa.Training.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace StreamJepa.Training;

/// <summary>
/// One training step of a level above the first, on sequences of the level below's representations (B, L, Din)
/// taken under stop-gradient: windows of them are encoded (online for the context, EMA target for the future),
/// the predictor forecasts the next windows under every latent candidate, and the loss is the free energy plus the
/// VICReg terms on the window representations.
/// </summary>
public sealed class WindowJepaStep : IDisposable
{
    private readonly TemporalLevel _online;
    private readonly WindowEncoder _target;
    private readonly TemporalLevelConfig _level;
    private readonly TrainingOptions _options;
    private readonly TargetAndOptimizer _parts;
    private readonly Device _device;

    /// <param name="online">The level's online encoder and predictor.</param>
    /// <param name="inputDim">Width of the level below's representations.</param>
    /// <param name="config">The whole model's configuration (latent candidates).</param>
    /// <param name="options">Training settings.</param>
    /// <param name="device">Where to train.</param>
    /// <param name="below">Parameters of the levels below, trained by this level's loss too when levels learn jointly.</param>
    public WindowJepaStep(TemporalLevel online, int inputDim, HJepaConfig config, TrainingOptions options, Device device, IEnumerable<Parameter>? below = null)
    {
        _online = online;
        _level = online.Config;
        _options = options;
        _device = device;
        _online.to(device).train();
        _target = new WindowEncoder(_level, inputDim);
        _parts = new TargetAndOptimizer(_online.Encoder, _target, _online.parameters().Concat(below ?? []), config, options, device);
    }

    /// <summary>Items of the level below one training sequence needs.</summary>
    public int SequenceLength => _level.Window + (_level.Stride * (_level.ContextWindows + _level.Horizons.Max() - 1));

    public WindowEncoder Target => _target;

    /// <summary>Sets the learning rate of the next steps.</summary>
    public void SetLearningRate(double rate) => _parts.SetLearningRate(rate);

    public StepLosses Step(Tensor sequences)
    {
        using var scope = NewDisposeScope();
        if (sequences.shape[1] != SequenceLength)
        {
            throw new ArgumentException($"sequences must hold {SequenceLength} items, got {sequences.shape[1]}", nameof(sequences));
        }

        var items = sequences.to(_device);                                               // may carry gradient (joint levels)
        var context = ContextForward(items);                                             // (B, C·D), (B·C, D)
        var targets = TargetForward(items.detach());                                     // (B, H, D), stop-gradient
        var predicted = _online.Predictor.forward(new PredictorInput(context.Flat, _parts.Latents));  // (B, K, H, D)
        var prediction = FreeEnergyLoss.Of(predicted, targets, _parts.Regulariser);
        var variance = VicReg.Variance(context.Windows);
        var covariance = VicReg.Covariance(context.Windows);
        var total = TotalLoss.Of(prediction, variance, covariance, _options);
        if (!_parts.Minimise(total))
        {
            return StepLosses.SkippedStep;
        }

        _parts.EmaUpdate();
        var spread = predicted.detach().var(0).mean().item<float>();
        return new StepLosses(total.item<float>(), prediction.item<float>(), variance.item<float>(), covariance.item<float>(), Health.EmbeddingHealth.Of(context.Windows.detach()), spread);
    }

    public void SaveState(BinaryWriter writer) => _parts.SaveState(writer);

    public void LoadState(BinaryReader reader) => _parts.LoadState(reader);

    public void Dispose() => _parts.Dispose();

    private Tensor Windows(Tensor items, int first, int count) =>
        stack([.. Enumerable.Range(first, count).Select(w => items[.., (w * _level.Stride)..((w * _level.Stride) + _level.Window)])], 1);  // (B, count, W, Din)

    private (Tensor Flat, Tensor Windows) ContextForward(Tensor items)
    {
        var b = items.shape[0];
        var windows = Windows(items, 0, _level.ContextWindows).flatten(0, 1);           // (B·C, W, Din)
        var encoded = _online.Encoder.forward(windows);                                 // (B·C, D)
        return (encoded.view(b, _level.ContextWindows * _level.Dim), encoded);
    }

    private Tensor TargetForward(Tensor items)
    {
        using var _ = no_grad();
        var b = items.shape[0];
        var future = _level.Horizons.Select(h => _level.ContextWindows - 1 + h).ToArray();
        var windows = stack([.. future.Select(w => items[.., (w * _level.Stride)..((w * _level.Stride) + _level.Window)])], 1).flatten(0, 1);
        var encoder = _options.Ema ? (Module<Tensor, Tensor>)_target : _online.Encoder;
        return encoder.forward(windows).view(b, future.Length, _level.Dim);
    }
}
