using StreamJepa.Model.Configuration;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace StreamJepa.Model;

/// <summary>
/// Level-1 encoder: stride-2 convolutions (after ResNet18's frozen first stages with <c>model.stem</c> resnet18) from
/// (B, C, H, W) frames to a (B, D, Gh, Gw) grid of tokens, each token
/// layer-normalised, plus their mean as the pooled frame vector (B, D). With <c>globalPhotometry</c> the frame's
/// brightness and contrast, which the group normalisation removes, are embedded and added to every token; unless
/// <c>photometryInContext</c>, the predictor's context tokens are the same grid normalised without them.
/// </summary>
public sealed class FrameEncoder : Module<Tensor, FrameRepresentation>
{
    [ComponentName(Name = "stem")]
    private readonly ResNetStem? _stem;
    [ComponentName(Name = "convs")]
    private readonly Sequential _convs;
    [ComponentName(Name = "norm")]
    private readonly LayerNorm _norm;
    [ComponentName(Name = "photometry")]
    private readonly GlobalPhotometry? _photometry;
    private readonly HJepaConfig _config;

    public FrameEncoder(HJepaConfig config)
        : base(nameof(FrameEncoder))
    {
        _config = config;
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        var inChannels = config.Channels;
        if (config.Stem == EncoderStem.ResNet18)
        {
            _stem = new ResNetStem();
            _stem.Load(ResNetWeights.Find());
            inChannels = ResNetStem.Channels;
        }

        var i = 0;
        foreach (var channels in config.EncoderChannels)
        {
            layers.Add(($"conv{i}", Conv2d(inChannels, channels, 3, stride: 2, padding: 1)));
            layers.Add(($"norm{i}", Layers.GroupNorm(Math.Min(8, channels), channels)));
            layers.Add(($"act{i}", GELU()));
            inChannels = channels;
            i++;
        }

        if (config.CentredTokens)
        {
            layers.Add(("pad", ZeroPad2d((0, 1, 0, 1))));
        }

        layers.Add(("project", Conv2d(inChannels, config.Dim, 3, stride: 2, padding: config.CentredTokens ? 0 : 1)));
        _convs = Sequential(layers);
        _norm = LayerNorm(config.Dim);
        _photometry = config.GlobalPhotometry ? new GlobalPhotometry(config) : null;
        RegisterComponents();
    }

    public override FrameRepresentation forward(Tensor frames)
    {
        using var scope = NewDisposeScope();
        var (b, h, w) = (frames.shape[0], _config.ImageHeight, _config.ImageWidth);
        if (frames.dim() != 4 || frames.shape[1] != _config.Channels || frames.shape[2] != h || frames.shape[3] != w)
        {
            throw new ArgumentException($"expected frames (B, {_config.Channels}, {h}, {w}), got ({string.Join(", ", frames.shape)})", nameof(frames));
        }

        var grid = _convs.forward(_stem is null ? frames : _stem.forward(frames));  // (B, D, Gh, Gw)
        if (_photometry is null)
        {
            var plain = Normalise(grid).MoveToOuterDisposeScope();
            return new FrameRepresentation(plain, plain.mean([2, 3]).MoveToOuterDisposeScope(), plain);
        }

        var tokens = Normalise(grid.Plus(_photometry.forward(frames).view(b, _config.Dim, 1, 1))).MoveToOuterDisposeScope();
        var context = _config.PhotometryInContext ? tokens : Normalise(grid).MoveToOuterDisposeScope();
        return new FrameRepresentation(tokens, tokens.mean([2, 3]).MoveToOuterDisposeScope(), context);
    }

    /// <summary>Layer norm over each token's D features: (B, D, Gh, Gw) in and out.</summary>
    private Tensor Normalise(Tensor grid) =>
        _norm.forward(grid.permute(0, 2, 3, 1)).permute(0, 3, 1, 2).contiguous();
}
