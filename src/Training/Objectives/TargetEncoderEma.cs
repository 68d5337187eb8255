using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace StreamJepa.Training.Objectives;

/// <summary>
/// The exponential moving average that makes a target encoder out of the context encoder (V-JEPA, BYOL):
/// k ← m·k + (1 − m)·q under no grad, parameter by parameter. The target never receives gradients.
/// </summary>
public static class TargetEncoderEma
{
    public static void Update(Module target, Module online, double momentum)
    {
        if (momentum is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "must be between 0 and 1");
        }

        using var _ = no_grad();
        using var keep = momentum.ToScalar();      // explicit scalars, kept alive through every native call
        using var take = (1 - momentum).ToScalar();
        var online_ = online.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in target.named_parameters())
        {
            if (!online_.TryGetValue(name, out var source))
            {
                throw new InvalidOperationException($"target parameter '{name}' has no online counterpart");
            }

            parameter.mul_(keep).add_(source, alpha: take);
        }
    }

    /// <summary>Makes <paramref name="target"/> an exact, gradient-free copy of <paramref name="online"/>.</summary>
    public static void Copy(Module target, Module online)
    {
        Update(target, online, 0);
        foreach (var parameter in target.parameters())
        {
            parameter.requires_grad = false;
        }
    }
}
