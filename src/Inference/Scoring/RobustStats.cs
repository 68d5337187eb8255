namespace StreamJepa.Inference.Scoring;

/// <summary>
/// Running median and MAD of the last <c>window</c> energies of one stream at one level, with a prior (from the
/// checkpoint) used until the stream has <c>minSamples</c> of its own. Surprise is causal: a value is judged
/// against what came before it, then (if normal) added.
/// </summary>
internal sealed class RobustStats
{
    private const double MadToSigma = 1.4826;
    private readonly double[] _values;
    private readonly double[] _sorted;
    private readonly int _minSamples;
    private readonly (double Median, double Mad)? _prior;
    private long _count;
    private (double Median, double Mad)? _cached;

    public RobustStats(int window, int minSamples, (double Median, double Mad)? prior)
    {
        _values = new double[window];
        _sorted = new double[window];
        _minSamples = minSamples;
        _prior = prior;
    }

    public long Count => _count;

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
    public double[] Values()
    {
        var n = (int)Math.Min(_count, _values.Length);
        var start = _count > _values.Length ? (int)(_count % _values.Length) : 0;
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = _values[(start + i) % _values.Length];
        }

        return values;
    }

    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        _values[_count % _values.Length] = value;
        _count++;
        _cached = null;
    }

    public (double Median, double Mad)? Current()
    {
        if (_count < _minSamples)
        {
            return _prior;
        }

        if (_cached is { } cached)
        {
            return cached;
        }

        var n = (int)Math.Min(_count, _values.Length);
        var sorted = _sorted.AsSpan(0, n);
        _values.AsSpan(0, n).CopyTo(sorted);
        sorted.Sort();
        var median = Median(sorted);
        for (var i = 0; i < n; i++)
        {
            sorted[i] = Math.Abs(_values[i] - median);
        }

        sorted.Sort();
        _cached = (median, Median(sorted));
        return _cached;
    }

    private static double Median(Span<double> sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}
