using StreamJepa.Model.Configuration;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace StreamJepa.Model;

/// <summary>
/// Predictor of a level above the first: from the last k window representations (B, k·D) and the latent
/// candidates (K, Z), predicts the representations of the windows at every horizon: (B, K, H, D).
/// </summary>
public sealed class WindowPredictor : Module<PredictorInput, Tensor>
{
    [ComponentName(Name = "trunk")]
    private readonly Sequential _trunk;
    [ComponentName(Name = "film")]
    private readonly LatentFilm _film;
    [ComponentName(Name = "head")]
    private readonly Sequential _head;
    private readonly TemporalLevelConfig _level;

    public WindowPredictor(TemporalLevelConfig level, int latentDim)
        : base(nameof(WindowPredictor))
    {
        _level = level;
        _trunk = Sequential(("in", Linear(level.ContextWindows * level.Dim, level.Hidden)), ("act", GELU()));
        _film = new LatentFilm(latentDim, level.Hidden);
        _head = Sequential(("act", GELU()), ("out", Linear(level.Hidden, level.Horizons.Count * level.Dim)));
        RegisterComponents();
    }

    public override Tensor forward(PredictorInput input)
    {
        using var scope = NewDisposeScope();
        var (context, latents) = (input.Context, input.Latents);
        if (context.dim() != 2 || context.shape[1] != _level.ContextWindows * _level.Dim)
        {
            throw new ArgumentException($"expected context (B, {_level.ContextWindows * _level.Dim}), got ({string.Join(", ", context.shape)})", nameof(input));
        }

        var b = context.shape[0];
        var k = latents.shape[0];
        var modulated = _film.forward(new LatentFilmInput(_trunk.forward(context), latents));  // (B, K, Hid)
        var predicted = _head.forward(modulated).reshape(b, k, _level.Horizons.Count, _level.Dim);  // (B, K, H, D)
        return predicted.MoveToOuterDisposeScope();
    }
}
