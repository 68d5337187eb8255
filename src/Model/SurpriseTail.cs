namespace StreamJepa.Model;

/// <summary>
/// The upper tail of a level's surprise (robust z-score) on normal video, as peaks over a threshold: the surprises
/// above <paramref name="Threshold"/>, a <paramref name="PeakFraction"/> of all, less the threshold, follow a
/// generalised Pareto distribution of <paramref name="Scale"/> and <paramref name="Shape"/> (the model SPOT uses for
/// streaming thresholds; Siffer et al., KDD 2017). It says how high normal surprise goes once in a long while, which
/// the median and MAD behind the z-score do not: a scene with rare but normal moments has a heavy tail.
/// </summary>
/// <param name="Threshold">The surprise the peaks are measured over (a high quantile of the sample).</param>
/// <param name="Scale">Generalised Pareto scale of the excesses (above 0).</param>
/// <param name="Shape">Generalised Pareto shape ξ of the excesses (0: exponential tail; above 0: heavier; below 0: bounded).</param>
/// <param name="PeakFraction">Share of the sample above <paramref name="Threshold"/>.</param>
/// <param name="Count">How many surprises the fit summarises.</param>
public sealed record SurpriseTail(double Threshold, double Scale, double Shape, double PeakFraction, long Count)
{
    /// <summary>Share of a sample the peaks are taken from: its top tenth.</summary>
    public const double DefaultPeakFraction = 0.1;

    /// <summary>Fewest peaks a fit is made from; with fewer the tail is unknown.</summary>
    public const int MinPeaks = 10;

    /// <summary>
    /// The surprise normal video exceeds with probability <paramref name="risk"/> per frame, extrapolated from the
    /// fitted tail; <see cref="Threshold"/> when the risk is not below the peak fraction.
    /// </summary>
    public double Quantile(double risk)
    {
        if (risk >= PeakFraction)
        {
            return Threshold;
        }

        var ratio = risk / PeakFraction;
        return Math.Abs(Shape) < 1e-6
            ? Threshold - (Scale * Math.Log(ratio))
            : Threshold + (Scale / Shape * (Math.Pow(ratio, -Shape) - 1));
    }

    /// <summary>
    /// Fits the tail of <paramref name="values"/> (in any order; non-finite values are skipped) over their
    /// (1 − <paramref name="peakFraction"/>) quantile by probability-weighted moments (Hosking and Wallis, 1987),
    /// which stay stable on small samples; null when fewer than <see cref="MinPeaks"/> values lie above it or the
    /// excesses do not make a tail (all equal).
    /// </summary>
    public static SurpriseTail? Fit(IEnumerable<double> values, double peakFraction = DefaultPeakFraction)
    {
        var sorted = values.Where(double.IsFinite).ToArray();
        Array.Sort(sorted);
        var n = sorted.Length;
        var peaks = (int)Math.Floor(n * peakFraction);
        if (peaks < MinPeaks || peaks >= n)
        {
            return null;
        }

        // Excesses over the largest value not among the peaks, ascending.
        var threshold = sorted[n - peaks - 1];
        double a0 = 0, a1 = 0;
        for (var i = 0; i < peaks; i++)
        {
            var excess = sorted[n - peaks + i] - threshold;
            a0 += excess;
            a1 += (1 - ((i + 1 - 0.35) / peaks)) * excess;
        }

        a0 /= peaks;
        a1 /= peaks;
        var denominator = a0 - (2 * a1);
        if (a0 <= 0 || denominator <= 0)
        {
            return null;
        }

        // Hosking's k is −ξ. PWM estimates are valid for ξ < 0.5; a fitted bounded tail is kept no shorter than ξ = −1.
        var scale = 2 * a0 * a1 / denominator;
        var shape = Math.Clamp(2 - (a0 / denominator), -1.0, 0.49);
        return new SurpriseTail(threshold, scale, shape, (double)peaks / n, n);
    }
}
