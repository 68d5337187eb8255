using static TorchSharp.torch;

namespace StreamJepa.Model;

/// <summary>
/// Energies in representation space. Every D is a mean squared distance over the representation dimension,
/// so an exact prediction has energy 0 and energies of different widths stay comparable.
/// </summary>
public static class Energy
{
    /// <summary>Per-token energy of predicted (…, D, Gh, Gw) against observed (…, D, Gh, Gw) tokens: (…, Gh, Gw).</summary>
    public static Tensor TokenMap(Tensor predicted, Tensor observed) =>
        (predicted - observed).Squared().mean([-3]);

    /// <summary>Energy of the pooled (token-mean) vectors of predicted and observed grids: (…).</summary>
    public static Tensor Pooled(Tensor predicted, Tensor observed) =>
        (predicted.mean([-2, -1]) - observed.mean([-2, -1])).Squared().mean([-1]);

    /// <summary>The token term of a frame's energy from its maps (…, Gh, Gw): the mean of all tokens, or of the <paramref name="topTokens"/> highest.</summary>
    public static Tensor TokenTerm(Tensor maps, int topTokens) =>
        topTokens <= 0 ? maps.mean([-2, -1]) : maps.flatten(-2).topk(topTokens, dim: -1).values.mean([-1]);

    /// <summary>
    /// Level-1 free energy of observed tokens (B, D, Gh, Gw) under predictions for K latent candidates
    /// (B, K, D, Gh, Gw): F = min over z of [token term + pooled energy + R(z)] (see <see cref="TokenTerm"/>), the
    /// energy at z = 0, and the token energy map (B, Gh, Gw) at the minimising z.
    /// </summary>
    public static FreeEnergy OfFrames(Tensor predicted, Tensor observed, Tensor regulariser, int topTokens = 0)
    {
        using var scope = NewDisposeScope();
        var target = observed.unsqueeze(1);                                   // (B, 1, D, Gh, Gw)
        var maps = TokenMap(predicted, target);                               // (B, K, Gh, Gw)
        var energies = TokenTerm(maps, topTokens).Plus(Pooled(predicted, target)).Plus(regulariser.unsqueeze(0));  // (B, K)
        var (free, best) = energies.min(1);                                   // (B), (B)
        var index = best.view(-1, 1, 1, 1).expand(-1, 1, maps.shape[2], maps.shape[3]);
        var map = maps.gather(1, index).squeeze(1);                          // (B, Gh, Gw)
        return new FreeEnergy(free.MoveToOuterDisposeScope(), energies[.., 0].MoveToOuterDisposeScope(), map.MoveToOuterDisposeScope());
    }

    /// <summary>Free energy of observed vectors (B, D) under predictions for K candidates (B, K, D).</summary>
    public static FreeEnergy OfVectors(Tensor predicted, Tensor observed, Tensor regulariser)
    {
        using var scope = NewDisposeScope();
        var energies = (predicted - observed.unsqueeze(1)).Squared().mean([-1]).Plus(regulariser.unsqueeze(0));  // (B, K)
        var free = energies.min(1).values;
        return new FreeEnergy(free.MoveToOuterDisposeScope(), energies[.., 0].MoveToOuterDisposeScope(), null);
    }
}

/// <summary>Free energy (B), energy at z = 0 (B) and, for frames, the token energy map at the best z (B, Gh, Gw).</summary>
public sealed record FreeEnergy(Tensor Free, Tensor AtZeroLatent, Tensor? Map) : IDisposable
{
    public void Dispose()
    {
        Free.Dispose();
        AtZeroLatent.Dispose();
        Map?.Dispose();
    }
}
