using StreamJepa.Core.Configuration;
using StreamJepa.Core.Modeling;
using StreamJepa.Model;
using StreamJepa.Training.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamJepa.Training;

/// <summary>
/// One level-1 training step of the H-JEPA on clips (B, T, C, S, S) with T = contextFrames + longest horizon:
/// target forward (EMA encoder, no grad), context forward (online encoder), free-energy prediction loss over the
/// latent candidates (the same minimisation inference uses, with R(z)), VICReg regulariser, optimiser step, EMA
/// update — each its own method, as in facebookresearch/jepa's train loop.
/// </summary>
public sealed class FrameJepaStep : IDisposable
{
    private readonly HJepa _online;
    private readonly FrameEncoder _target;
    private readonly TrainingOptions _options;
    private readonly HJepaConfig _config;
    private readonly TargetAndOptimizer _parts;
    private readonly Device _device;

    public FrameJepaStep(HJepa online, TrainingOptions options, Device device)
    {
        _online = online;
        _config = online.Config;
        _options = options;
        _device = device;
        _online.to(device).train();
        _target = new FrameEncoder(_config);
        _parts = new TargetAndOptimizer(_online.Encoder, _target, _online.Encoder.parameters().Concat(_online.Predictor.parameters()), _config, options, device);
    }

    /// <summary>The EMA target encoder (the encoder a served model uses).</summary>
    public FrameEncoder Target => _target;

    /// <summary>Sets the learning rate of the next steps.</summary>
    public void SetLearningRate(double rate) => _parts.SetLearningRate(rate);

    public StepLosses Step(Tensor clips)
    {
        using var scope = NewDisposeScope();
        var (b, t) = (clips.shape[0], clips.shape[1]);
        var k = _config.ContextFrames;
        if (t != k + _config.Horizons.Max())
        {
            throw new ArgumentException($"clips must hold {k + _config.Horizons.Max()} frames (context {k} + horizon {_config.Horizons.Max()}), got {t}", nameof(clips));
        }

        var frames = clips.to(_device);
        var targets = TargetForward(frames);                           // (B, H, D, Gh, Gw)
        var (context, pooled) = ContextForward(frames);                // (B, k·D, Gh, Gw), (B·k, D)
        var predicted = _online.Predictor.forward(new PredictorInput(context, _parts.Latents));  // (B, K, H, D, Gh, Gw)
        var prediction = FreeEnergyLoss.Of(predicted, targets, _parts.Regulariser);
        var (variance, covariance) = Regulariser(pooled);
        var total = TotalLoss.Of(prediction, variance, covariance, _options);
        if (!_parts.Minimise(total))
        {
            return StepLosses.SkippedStep;
        }

        _parts.EmaUpdate();
        var spread = predicted.detach().var(0).mean().item<float>();
        return new StepLosses(total.item<float>(), prediction.item<float>(), variance.item<float>(), covariance.item<float>(), Health.EmbeddingHealth.Of(pooled.detach()), spread);
    }

    public void SaveState(BinaryWriter writer) => _parts.SaveState(writer);

    public void LoadState(BinaryReader reader) => _parts.LoadState(reader);

    public void Dispose() => _parts.Dispose();

    /// <summary>Target representations of the frames at every horizon after the context. No gradient with EMA.</summary>
    private Tensor TargetForward(Tensor frames)
    {
        var (b, k) = (frames.shape[0], _config.ContextFrames);
        var index = tensor(_config.Horizons.Select(h => (long)(k - 1 + h)).ToArray(), device: _device);
        var future = frames.index_select(1, index).flatten(0, 1);      // (B·H, C, S, S)
        Tensor tokens;
        if (_options.Ema)
        {
            using var _ = no_grad();
            tokens = _target.forward(future).Tokens;
        }
        else
        {
            tokens = _online.Encoder.forward(future).Tokens;           // joint: gradients reach the target side too
        }

        return tokens.view(b, _config.Horizons.Count, _config.Dim, _config.GridHeight, _config.GridWidth);
    }

    /// <summary>
    /// Online context tokens of the context frames, stacked along channels, and their pooled vectors — the pool of the
    /// context tokens, so the regulariser never reaches a photometry the predictor does not see: nothing else would
    /// hold it back, and it would grow without bound to spread the pooled vectors (it diverged by step 80 that way).
    /// </summary>
    private (Tensor Context, Tensor Pooled) ContextForward(Tensor frames)
    {
        var (b, k) = (frames.shape[0], _config.ContextFrames);
        var representation = _online.Encoder.forward(frames[.., ..k].flatten(0, 1));   // (B·k, D, Gh, Gw)
        var context = representation.Context.view(b, k * _config.Dim, _config.GridHeight, _config.GridWidth);
        return (context, representation.Context.mean([2, 3]));
    }

    private (Tensor Variance, Tensor Covariance) Regulariser(Tensor pooled) =>
        (VicReg.Variance(pooled), VicReg.Covariance(pooled));

}
