namespace StreamJepa.Inference.Scoring;

/// <summary>
/// Running median and MAD of the last <c>window</c> energies of one stream at one level, with a prior (from the
/// checkpoint) used until the stream has <c>minSamples</c> of its own. Surprise is causal: a value is judged
/// against what came before it, then (if normal) added.
/// </summary>
internal sealed class RobustStats
{
    private const double MadToSigma = 1.4826;
    private readonly RingWindow _values;
    private readonly double[] _sorted;
    private readonly int _minSamples;
    private readonly (double Median, double Mad)? _prior;
    private (double Median, double Mad)? _cached;

    public RobustStats(int window, int minSamples, (double Median, double Mad)? prior)
    {
        _values = new RingWindow(window);
        _sorted = new double[window];
        _minSamples = minSamples;
        _prior = prior;
    }

    public long Count => _values.Count;

    /// <summary>Robust z-score of <paramref name="value"/>, or null while neither own statistics nor a prior exist.</summary>
    public double? Surprise(double value)
    {
        if (Current() is not { } stats)
        {
            return null;
        }

        var scale = (MadToSigma * stats.Mad) + 1e-9 + (1e-3 * Math.Abs(stats.Median));
        return (value - stats.Median) / scale;
    }

    /// <summary>The stream's own values, oldest first (at most the window).</summary>
    public double[] Values() => _values.InOrder();

    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        _values.Add(value);
        _cached = null;
    }

    public (double Median, double Mad)? Current()
    {
        if (_values.Count < _minSamples)
        {
            return _prior;
        }

        if (_cached is { } cached)
        {
            return cached;
        }

        var held = _values.Held;
        var sorted = _sorted.AsSpan(0, held.Length);
        held.CopyTo(sorted);
        sorted.Sort();
        var median = Median(sorted);
        for (var i = 0; i < held.Length; i++)
        {
            sorted[i] = Math.Abs(held[i] - median);
        }

        sorted.Sort();
        _cached = (median, Median(sorted));
        return _cached;
    }

    /// <summary>The median of values already sorted.</summary>
    internal static double Median(Span<double> sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}
