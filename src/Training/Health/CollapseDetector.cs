namespace StreamJepa.Training.Health;

/// <summary>
/// Decides whether a representation has collapsed: its dimensions stopped varying across inputs (every input maps
/// to nearly the same point; the representations are layer-normalised, so a healthy per-dimension std is of order
/// 1), or its effective rank fell below a fraction of its dimensions (dimensions all carry the same thing).
/// Measured on the level-1 pooled vectors of a small model after 120 steps: 0.91 with the anti-collapse terms,
/// 0.0019 without them (no EMA, no VICReg) — note the collapsed one still had effective rank 12 of 16: what is left
/// of a collapsed representation is isotropic noise, so the rank alone does not see it.
/// A collapsed model is never promoted.
/// </summary>
public sealed record CollapseDetector(double MinRankFraction = 0.1, double MinRank = 2.0, double MinMeanStd = 0.05)
{
    /// <summary>A proposal whose per-dimension std falls below this fraction of the served model's is collapsing.</summary>
    public double RelativeStd { get; init; } = 0.2;

    /// <summary>A proposal whose effective rank falls below this fraction of the served model's is collapsing.</summary>
    public double RelativeRank { get; init; } = 0.5;

    /// <summary>
    /// Compares a proposed model's health with the served model's on the same frames (absolute levels depend on
    /// the architecture and the scene; a collapse shows as a fall). Null when the proposal may be served.
    /// </summary>
    public string? CheckAgainst(EmbeddingHealth proposal, EmbeddingHealth served)
    {
        if (proposal.MeanStd < RelativeStd * served.MeanStd)
        {
            return $"mean per-dimension std fell from {served.MeanStd:0.####} to {proposal.MeanStd:0.####} (below {RelativeStd:0.##} of the served model's)";
        }

        var floor = Math.Max(MinRank, RelativeRank * served.EffectiveRank);
        if (proposal.EffectiveRank < floor)
        {
            return $"effective rank fell from {served.EffectiveRank:0.00} to {proposal.EffectiveRank:0.00} (below {floor:0.00})";
        }

        return null;
    }

    /// <summary>Null when healthy, else why the representation counts as collapsed.</summary>
    public string? Check(EmbeddingHealth health)
    {
        if (health.MeanStd < MinMeanStd)
        {
            return $"mean per-dimension std {health.MeanStd:0.######} is below {MinMeanStd}: inputs map to nearly one point";
        }

        var floor = Math.Max(MinRank, MinRankFraction * health.Dimensions);
        if (health.EffectiveRank < floor)
        {
            return $"effective rank {health.EffectiveRank:0.00} is below {floor:0.00} ({health.Dimensions} dimensions)";
        }

        return null;
    }
}
