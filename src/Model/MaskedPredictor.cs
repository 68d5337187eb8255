using StreamJepa.Model.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace StreamJepa.Model;

/// <summary>
/// Level-1 masked predictor: predicts every token of the newest context frame from the tokens around a hidden
/// block centred on it (a square of <c>maskedBlock</c> tokens a side) in that frame, from the frames before it,
/// and from where it is in the picture. All tokens are predicted at once, each with its own block hidden: the newest
/// frame enters only through a ring-shaped convolution whose taps inside the block are held at zero, and every layer
/// after it is per token (1×1), so nothing of a block reaches the prediction of its centre. An object where the
/// surroundings and the past say none belongs, or a scene laid out otherwise than the positions learnt, is then
/// surprising however ordinary its motion.
/// Context (B, k·D, Gh, Gw), the newest frame last → predicted tokens of the newest frame (B, D, Gh, Gw).
/// </summary>
public sealed class MaskedPredictor : Module<Tensor, Tensor>
{
    [ComponentName(Name = "ring")]
    private readonly Parameter _ring;
    [ComponentName(Name = "past")]
    private readonly Conv2d? _past;
    [ComponentName(Name = "position")]
    private readonly Parameter _position;
    [ComponentName(Name = "head")]
    private readonly Sequential _head;
    private readonly HJepaConfig _config;
    private readonly long _padding;

    public MaskedPredictor(HJepaConfig config)
        : base(nameof(MaskedPredictor))
    {
        _config = config;
        var (d, c, kernel) = (config.Dim, config.Dim, config.MaskedBlock + 2);
        _padding = kernel / 2;
        using (no_grad())
        {
            var bound = 1.0 / Math.Sqrt(d * ((kernel * kernel) - (config.MaskedBlock * config.MaskedBlock)));
            _ring = new Parameter(empty(c, d, kernel, kernel).uniform_(-bound, bound));
            using var positionScale = 0.02.ToScalar();
            _position = new Parameter(randn(1, c, config.GridHeight, config.GridWidth).mul_(positionScale));
        }

        var mask = ones(1, 1, kernel, kernel);
        mask[.., .., 1..(kernel - 1), 1..(kernel - 1)].fill_(KeptScalars.Zero);
        _past = config.ContextFrames > 1 ? Conv2d((config.ContextFrames - 1) * d, c, 3, padding: 1) : null;
        _head = Sequential(
            ("act0", GELU()),
            ("hidden", Conv2d(c, c, 1)),
            ("act1", GELU()),
            ("out", Conv2d(c, d, 1)));
        RegisterComponents();
        register_buffer("ring_mask", mask, persistent: false);      // moves with the module, so forward never copies it
    }

    public override Tensor forward(Tensor context)
    {
        using var scope = NewDisposeScope();
        var (k, d, gh, gw) = (_config.ContextFrames, _config.Dim, _config.GridHeight, _config.GridWidth);
        if (context.dim() != 4 || context.shape[1] != k * d || context.shape[2] != gh || context.shape[3] != gw)
        {
            throw new ArgumentException($"expected context (B, {k * d}, {gh}, {gw}), got ({string.Join(", ", context.shape)})", nameof(context));
        }

        var newest = context[.., ((k - 1) * d)..];                                         // (B, D, Gh, Gw)
        var hidden = functional.conv2d(newest, _ring.mul(get_buffer("ring_mask")!), padding: [_padding, _padding]);  // (B, C, Gh, Gw)
        if (_past is not null)
        {
            hidden = hidden.Plus(_past.forward(context[.., ..((k - 1) * d)]));
        }

        return _head.forward(hidden.Plus(_position)).MoveToOuterDisposeScope();           // (B, D, Gh, Gw)
    }
}
