using StreamJepa.Model.Configuration;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace StreamJepa.Model;

/// <summary>
/// Level-1 predictor: from the token grids of the last k frames, stacked along channels (B, k·D, Gh, Gw), and the
/// latent candidates (K, Z), predicts the token grids of the frames at every horizon: (B, K, H, D, Gh, Gw).
/// The trunk runs once per context; only the latent modulation and the 1×1 head run per candidate.
/// </summary>
public sealed class FramePredictor : Module<PredictorInput, Tensor>
{
    [ComponentName(Name = "trunk")]
    private readonly Sequential _trunk;
    [ComponentName(Name = "film")]
    private readonly LatentFilm _film;
    [ComponentName(Name = "head")]
    private readonly Sequential _head;
    private readonly HJepaConfig _config;

    public FramePredictor(HJepaConfig config)
        : base(nameof(FramePredictor))
    {
        _config = config;
        var c = config.PredictorChannels;
        _trunk = Sequential(
            ("in", Conv2d(config.ContextFrames * config.Dim, c, 3, padding: 1)),
            ("act0", GELU()),
            ("mid", Conv2d(c, c, 3, padding: 1)),
            ("act1", GELU()));
        _film = new LatentFilm(config.LatentDim, c);
        _head = Sequential(
            ("act", GELU()),
            ("out", Conv2d(c, config.Horizons.Count * config.Dim, 1)));
        RegisterComponents();
    }

    public override Tensor forward(PredictorInput input)
    {
        using var scope = NewDisposeScope();
        var (context, latents) = (input.Context, input.Latents);
        var (gh, gw, d, h) = (_config.GridHeight, _config.GridWidth, _config.Dim, _config.Horizons.Count);
        if (context.dim() != 4 || context.shape[1] != _config.ContextFrames * d || context.shape[2] != gh || context.shape[3] != gw)
        {
            throw new ArgumentException($"expected context (B, {_config.ContextFrames * d}, {gh}, {gw}), got ({string.Join(", ", context.shape)})", nameof(input));
        }

        var b = context.shape[0];
        var k = latents.shape[0];
        var trunk = _trunk.forward(context);                                        // (B, C, Gh, Gw)
        var modulated = _film.forward(new LatentFilmInput(trunk, latents));         // (B, K, C, Gh, Gw)
        var flat = modulated.reshape(b * k, _config.PredictorChannels, gh, gw);
        var predicted = _head.forward(flat).reshape(b, k, h, d, gh, gw);           // (B, K, H, D, Gh, Gw)
        return predicted.MoveToOuterDisposeScope();
    }
}

/// <summary>A predictor's context and the latent candidates (K, Z) to predict under.</summary>
public sealed record PredictorInput(Tensor Context, Tensor Latents);
