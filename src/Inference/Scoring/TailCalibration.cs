using StreamJepa.Model;

namespace StreamJepa.Inference.Scoring;

/// <summary>
/// How high one stream's surprise at one level goes on normal video: its last <c>window</c> normal surprises (robust
/// z-scores) and the generalised Pareto tail fitted to them (<see cref="SurpriseTail"/>), refitted as they come. Until
/// the stream has <c>minSamples</c> of its own, the tail of the checkpoint's training video stands in (none for an old
/// checkpoint or the scene level). It turns a per-frame false-alarm risk into the surprise normal video reaches that
/// rarely, which becomes the level's on-threshold: a level whose normal moments are often far from the middle of its
/// energies (people walking in, a door opening) needs more to alarm than one that is always steady.
/// </summary>
internal sealed class TailCalibration
{
    private const int RefitEvery = 50;

    /// <summary>Surprises of the window an empirical quantile leaves above it: fewer is one moment, not a frequency.</summary>
    private const int MinAbove = 6;
    private readonly RingWindow _values;
    private readonly int _minSamples;
    private readonly SurpriseTail? _prior;
    private long _fittedAt = -1;
    private SurpriseTail? _own;
    private double[] _sorted = [];

    public TailCalibration(int window, int minSamples, SurpriseTail? prior)
    {
        _values = new RingWindow(window);
        _minSamples = minSamples;
        _prior = prior;
    }

    /// <summary>True until the stream has its own first <c>minSamples</c> surprises: all of them are learnt, as SPOT's calibration batch is.</summary>
    public bool Calibrating => _values.Count < _minSamples;

    /// <summary>Records the surprise of a frame judged normal.</summary>
    public void Add(double surprise)
    {
        if (double.IsFinite(surprise))
        {
            _values.Add(surprise);
        }
    }

    /// <summary>The stream's own tail once it has its first <c>minSamples</c> surprises (when they make one), else the prior.</summary>
    public SurpriseTail? Current()
    {
        if (Calibrating)
        {
            return _prior;
        }

        if (_fittedAt < 0 || _values.Count - _fittedAt >= RefitEvery)
        {
            _sorted = _values.Held.ToArray();
            Array.Sort(_sorted);
            _own = SurpriseTail.Fit(_sorted) ?? _own;
            _fittedAt = _values.Count;
        }

        return _own ?? _prior;
    }

    /// <summary>
    /// The surprise normal video reaches with probability <paramref name="risk"/> per frame: the fitted tail's
    /// quantile, and with the stream's own surprises at least their own quantile, with at least
    /// <see cref="MinAbove"/> of them above it. A generalised Pareto tail is smooth; a moment that recurs (a bright
    /// figure crossing every few minutes) makes a cluster far beyond the rest that the fit passes under.
    /// </summary>
    public double? Quantile(double risk)
    {
        if (Current() is not { } tail)
        {
            return null;
        }

        var fitted = tail.Quantile(risk);
        var above = Math.Max(MinAbove, (int)Math.Floor(risk * _sorted.Length));
        return Calibrating || _sorted.Length <= above ? fitted : Math.Max(fitted, _sorted[_sorted.Length - 1 - above]);
    }

    /// <summary>
    /// The factor a surprise is divided by so that <paramref name="onThreshold"/> falls where normal video reaches
    /// with probability <paramref name="risk"/> per frame (<see cref="Quantile"/>): 1 when that is at or below the
    /// on-threshold (which stays the floor), when the risk is 0 (off), or while no tail is known.
    /// </summary>
    public double Divisor(double risk, double onThreshold) =>
        risk > 0 && Quantile(risk) is { } q ? Math.Max(1, q / onThreshold) : 1;

    /// <summary>The surprises recorded, oldest first (at most the window).</summary>
    public double[] Values() => _values.InOrder();

    /// <summary>Starts from surprises kept from an earlier run (oldest first); call before the first frame.</summary>
    public void Seed(IEnumerable<double> kept)
    {
        foreach (var value in kept)
        {
            Add(value);
        }
    }
}
