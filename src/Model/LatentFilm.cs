using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace StreamJepa.Model;

/// <summary>
/// Conditions features on the latent z by feature-wise modulation: h·(1 + γ(z)) + β(z).
/// Features (B, C, …) and latents (K, Z) give (B, K, C, …): one modulated copy per latent candidate.
/// </summary>
public sealed class LatentFilm : Module<LatentFilmInput, Tensor>
{
    [ComponentName(Name = "film")]
    private readonly Linear _film;
    private readonly int _channels;

    public LatentFilm(int latentDim, int channels)
        : base(nameof(LatentFilm))
    {
        _channels = channels;
        _film = Linear(Math.Max(1, latentDim), 2 * channels);
        RegisterComponents();
    }

    public override Tensor forward(LatentFilmInput input)
    {
        using var scope = NewDisposeScope();
        var (features, latents) = (input.Features, input.Latents);
        var k = latents.shape[0];
        var z = latents.shape[1] == 0 ? zeros(k, 1, device: latents.device) : latents;
        var gammaBeta = _film.forward(z);                                           // (K, 2C)
        var extra = Enumerable.Repeat(1L, (int)features.dim() - 2).ToArray();
        var gamma = gammaBeta[.., .._channels].reshape([1, k, _channels, .. extra]);  // (1, K, C, 1…)
        var beta = gammaBeta[.., _channels..].reshape([1, k, _channels, .. extra]);
        var h = features.unsqueeze(1);                                             // (B, 1, C, …)
        return h.Plus(h * gamma).Plus(beta).MoveToOuterDisposeScope();             // h·(1 + γ) + β: (B, K, C, …)
    }
}

/// <summary>Features to modulate and the latent candidates.</summary>
public sealed record LatentFilmInput(Tensor Features, Tensor Latents);
