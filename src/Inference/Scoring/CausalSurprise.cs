namespace StreamJepa.Inference.Scoring;

/// <summary>The surprises a stream's scorer gives a sequence of normal energies, each against the ones before it.</summary>
public static class CausalSurprise
{
    /// <summary>
    /// The robust z-score of each energy of <paramref name="energies"/> (in time order) against the median and MAD of
    /// the previous <paramref name="window"/> it learnt, as <see cref="StreamScorer"/> judges a stream by its own
    /// baseline: after the first <paramref name="minSamples"/> (which have no baseline yet and are left out), an energy
    /// whose surprise reaches <paramref name="onThreshold"/> is not learnt as normal.
    /// </summary>
    public static IReadOnlyList<double> Of(IEnumerable<double> energies, int window, int minSamples, double onThreshold)
    {
        var stats = new RobustStats(window, minSamples, prior: null);
        var surprises = new List<double>();
        foreach (var energy in energies)
        {
            var z = stats.Count >= minSamples ? stats.Surprise(energy) : null;
            if (z is { } own)
            {
                surprises.Add(own);
            }

            if (z is null || z < onThreshold)
            {
                stats.Add(energy);
            }
        }

        return surprises;
    }
}
