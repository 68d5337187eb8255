using StreamJepa.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamJepa.Training.Objectives;

/// <summary>
/// TorchSharp's AdamW with every scalar of the update created explicitly and disposed after use. TorchSharp 0.107
/// passes implicitly converted <see cref="TorchSharp.Scalar"/>s to native code without keeping them alive, so a
/// garbage collection during the call could finalise one while libtorch read it ("Unknown scalar type", "Expected
/// false to be true" from c10::Scalar, seen in this suite when other tests allocated beside a training step). The
/// update, the state and its saved form are TorchSharp's own (<see cref="TorchSharp.Modules.AdamW.State"/>); the class
/// keeps the name AdamW because TorchSharp writes the optimiser's type name into the saved state and checks it on
/// loading, so checkpoints made before, with TorchSharp's class, still resume.
/// </summary>
internal sealed class AdamW : TorchSharp.Modules.AdamW
{
    public AdamW(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double weightDecay)
        : base(parameters, lr, beta1, beta2, eps: 1e-8, weight_decay: weightDecay)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(Update, closure);

    private void Update(ParamGroup group)
    {
        var options = (Options)group.Options;
        var (beta1, beta2, eps, lr) = (options.beta1!.Value, options.beta2!.Value, options.eps!.Value, options.LearningRate!.Value);
        using var decay = (1 - (lr * options.weight_decay!.Value)).ToScalar();
        using var keep1 = beta1.ToScalar();
        using var take1 = (1 - beta1).ToScalar();
        using var keep2 = beta2.ToScalar();
        using var take2 = (1 - beta2).ToScalar();
        using var epsilon = eps.ToScalar();
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null)
            {
                continue;
            }

            var state = (State)_state[param.Handle];
            state.step += 1;
            param.mul_(decay);
            state.exp_avg.mul_(keep1).add_(grad, alpha: take1);
            state.exp_avg_sq.mul_(keep2).addcmul_(grad, grad, value: take2);
            using var correction2 = Math.Sqrt(1 - Math.Pow(beta2, state.step)).ToScalar();
            using var denom = state.exp_avg_sq.sqrt().div_(correction2).add_(epsilon, KeptScalars.One);
            using var stepSize = (-lr / (1 - Math.Pow(beta1, state.step))).ToScalar();
            param.addcdiv_(state.exp_avg, denom, value: stepSize);
        }
    }
}
