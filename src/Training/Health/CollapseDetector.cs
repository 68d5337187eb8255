namespace StreamJepa.Training.Health;

/// <summary>
/// Decides whether a representation has collapsed: its effective rank fell below a fraction of its dimensions
/// (or below an absolute floor), or its dimensions stopped varying. A collapsed model is never promoted.
/// </summary>
public sealed record CollapseDetector(double MinRankFraction = 0.1, double MinRank = 2.0, double MinMeanStd = 1e-3)
{
    /// <summary>Null when healthy, else why the representation counts as collapsed.</summary>
    public string? Check(EmbeddingHealth health)
    {
        var floor = Math.Max(MinRank, MinRankFraction * health.Dimensions);
        if (health.EffectiveRank < floor)
        {
            return $"effective rank {health.EffectiveRank:0.00} is below {floor:0.00} ({health.Dimensions} dimensions)";
        }

        if (health.MeanStd < MinMeanStd)
        {
            return $"mean per-dimension std {health.MeanStd:0.######} is below {MinMeanStd}";
        }

        return null;
    }
}
