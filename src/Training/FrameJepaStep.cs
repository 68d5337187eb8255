using StreamJepa.Model;
using StreamJepa.Model.Configuration;
using StreamJepa.Training.Configuration;
using StreamJepa.Training.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamJepa.Training;

/// <summary>
/// One level-1 training step of the H-JEPA on clips (B, T, C, S, S) with T = contextFrames + longest horizon:
/// target forward (EMA encoder, no grad), context forward (online encoder), free-energy prediction loss over the
/// latent candidates (the same minimisation inference uses, with R(z)), masked prediction of the newest context frame
/// (when the model has a masked predictor), VICReg regulariser, optimiser step, EMA update — each its own method, as
/// in facebookresearch/jepa's train loop.
/// </summary>
public sealed class FrameJepaStep : IDisposable
{
    private readonly HJepa _online;
    private readonly FrameEncoder _target;
    private readonly TrainingOptions _options;
    private readonly HJepaConfig _config;
    private readonly TargetAndOptimizer _parts;
    private readonly Device _device;
    private readonly Tensor _noLatent;

    public FrameJepaStep(HJepa online, TrainingOptions options, Device device)
    {
        _online = online;
        _config = online.Config;
        _options = options;
        _device = device;
        _online.to(device).train();
        _target = new FrameEncoder(_config);
        var trained = _online.Encoder.parameters().Concat(_online.Predictor.parameters()).Concat(_online.Masked?.parameters() ?? []);
        _parts = new TargetAndOptimizer(_online.Encoder, _target, trained, _config, options, device);
        _noLatent = zeros(1, device: device).DetachFromDisposeScope();
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
        var (newest, targets) = TargetForward(frames);                 // (B, D, Gh, Gw) or null, (B, H, D, Gh, Gw)
        var (context, pooled) = ContextForward(frames);                // (B, k·D, Gh, Gw), (B·k, D)
        var predicted = _online.Predictor.forward(new PredictorInput(context, _parts.Latents));  // (B, K, H, D, Gh, Gw)
        var prediction = FreeEnergyLoss.Of(predicted, targets, _parts.Regulariser);
        var masked = MaskedLoss(context, newest);
        var (variance, covariance) = Regulariser(pooled);
        var total = TotalLoss.Of(masked is null ? prediction : prediction.Plus(masked), variance, covariance, _options);
        if (!_parts.Minimise(total))
        {
            return StepLosses.SkippedStep;
        }

        _parts.EmaUpdate();
        var spread = predicted.detach().var(0).mean().item<float>();
        return new StepLosses(total.item<float>(), prediction.item<float>(), variance.item<float>(), covariance.item<float>(), Health.EmbeddingHealth.Of(pooled.detach()), spread)
        {
            Masked = masked?.item<float>() ?? 0,
        };
    }

    public void SaveState(BinaryWriter writer) => _parts.SaveState(writer);

    public void LoadState(BinaryReader reader) => _parts.LoadState(reader);

    public void Dispose()
    {
        _parts.Dispose();
        _noLatent.Dispose();
    }

    /// <summary>
    /// Target representations of the newest context frame (what the masked predictor predicts; null without one) and
    /// of the frames at every horizon after the context. No gradient with EMA.
    /// </summary>
    private (Tensor? Newest, Tensor Future) TargetForward(Tensor frames)
    {
        var (b, k) = (frames.shape[0], _config.ContextFrames);
        var future = _config.Horizons.Select(h => (long)(k - 1 + h));
        long[] steps = _online.Masked is null ? [.. future] : [k - 1, .. future];
        var first = steps.Length - _config.Horizons.Count;
        var selected = frames.index_select(1, tensor(steps, device: _device)).flatten(0, 1);  // (B·(1+H), C, S, S)
        Tensor tokens;
        if (_options.Ema)
        {
            using var _ = no_grad();
            tokens = _target.forward(selected).Tokens;
        }
        else
        {
            tokens = _online.Encoder.forward(selected).Tokens;         // joint: gradients reach the target side too
        }

        var grids = tokens.view(b, steps.Length, _config.Dim, _config.GridHeight, _config.GridWidth);
        return (first == 0 ? null : grids[.., 0], grids[.., first..]);
    }

    /// <summary>
    /// The masked predictor's loss: smooth-L1 between its prediction of the newest context frame's tokens, each from
    /// around its hidden block and the frames before, and their targets (a free energy with one candidate, z absent).
    /// </summary>
    private Tensor? MaskedLoss(Tensor context, Tensor? newest)
    {
        if (_online.Masked is not { } masked || newest is null)
        {
            return null;
        }

        var predicted = masked.forward(context).unsqueeze(1);         // (B, 1, D, Gh, Gw)
        return FreeEnergyLoss.Of(predicted, newest, _noLatent);
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
