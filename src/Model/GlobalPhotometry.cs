using StreamJepa.Model.Configuration;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace StreamJepa.Model;

/// <summary>
/// The frame's global photometry, embedded to the token width: the per-channel mean and standard deviation of the
/// input frames (B, C, S, S) become (B, D), added to every token by the <see cref="FrameEncoder"/>. The encoder's
/// group normalisation divides out each frame's own brightness and contrast, so without this a scene whose light
/// falls to half looks almost the same to the model; with it, brightness is part of what the predictor must get right.
/// </summary>
public sealed class GlobalPhotometry : Module<Tensor, Tensor>
{
    [ComponentName(Name = "embed")]
    private readonly Linear _embed;

    public GlobalPhotometry(HJepaConfig config)
        : base(nameof(GlobalPhotometry))
    {
        _embed = Linear(2 * config.Channels, config.Dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor frames)
    {
        using var scope = NewDisposeScope();
        var statistics = cat([frames.mean([2, 3]), frames.std([2, 3])], 1);        // (B, 2C)
        return _embed.forward(statistics).MoveToOuterDisposeScope();               // (B, D)
    }
}
