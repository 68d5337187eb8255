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
