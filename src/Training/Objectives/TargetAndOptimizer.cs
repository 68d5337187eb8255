using StreamJepa.Model;
using StreamJepa.Model.Configuration;
using StreamJepa.Training.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace StreamJepa.Training.Objectives;

/// <summary>
/// What every level's training step owns besides its online modules: the EMA target copy of its encoder, the
/// optimiser, and the latent candidates with their regulariser. Saves and restores the state resuming needs.
/// </summary>
internal sealed class TargetAndOptimizer : IDisposable
{
    private readonly Module _online;
    private readonly TrainingOptions _options;
    private readonly List<Parameter> _trained;

    public TargetAndOptimizer(Module online, Module target, IEnumerable<Parameter> trained, HJepaConfig config, TrainingOptions options, Device device)
    {
        _online = online;
        _options = options;
        Target = target;
        Target.to(device);
        TargetEncoderEma.Copy(Target, online);
        Target.eval();
        _trained = [.. trained];
        Optimizer = new AdamW(_trained, options.LearningRate, beta1: options.Momentum, beta2: 0.99, options.WeightDecay);
        Latents = LatentCandidates.Create(config, device).DetachFromDisposeScope();
        Regulariser = LatentCandidates.Regulariser(Latents, config.LatentWeight).DetachFromDisposeScope();
    }

    public Module Target { get; }

    public OptimizerHelper Optimizer { get; }

    /// <summary>Latent candidates (K, Z).</summary>
    public Tensor Latents { get; }

    /// <summary>R(z) per candidate (K).</summary>
    public Tensor Regulariser { get; }

    /// <summary>Sets the learning rate of every parameter group (a schedule's rate for the next step).</summary>
    public void SetLearningRate(double rate)
    {
        foreach (var group in Optimizer.ParamGroups)
        {
            group.LearningRate = rate;
        }
    }

    /// <summary>
    /// One optimiser step on <paramref name="total"/>, unless the loss or a gradient is not finite: then the step is
    /// skipped before it touches the weights, and false is returned.
    /// </summary>
    public bool Minimise(Tensor total)
    {
        Optimizer.zero_grad();
        if (!total.isfinite().item<bool>())
        {
            return false;
        }

        total.backward();
        var gradients = _trained.Where(p => p.grad is not null).Select(p => p.grad!.isfinite().all()).ToArray();
        if (gradients.Length > 0 && !stack(gradients).all().item<bool>())
        {
            Optimizer.zero_grad();
            return false;
        }

        Optimizer.step();
        return true;
    }

    /// <summary>k ← m·k + (1 − m)·q; without EMA the target simply follows the online encoder (m = 0).</summary>
    public void EmaUpdate() => TargetEncoderEma.Update(Target, _online, _options.Ema ? _options.EmaMomentum : 0);

    public void SaveState(BinaryWriter writer)
    {
        Target.save(writer);
        Optimizer.save_state_dict(writer);
    }

    public void LoadState(BinaryReader reader)
    {
        Target.LoadWeights(reader);
        Optimizer.load_state_dict(reader);

        // The saved state carries the settings it was made with; the configured momentum is the one that applies now.
        foreach (var group in Optimizer.ParamGroups.Cast<TorchSharp.Modules.AdamW.ParamGroup>())
        {
            ((TorchSharp.Modules.AdamW.Options)group.Options).beta1 = _options.Momentum;
        }
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        Target.Dispose();
        Latents.Dispose();
        Regulariser.Dispose();
    }
}
