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
    private readonly RingWindow _values;
    private readonly int _minSamples;
    private readonly SurpriseTail? _prior;
    private long _fittedAt = -1;
    private SurpriseTail? _own;

    public TailCalibration(int window, int minSamples, SurpriseTail? prior)
    {
        _values = new RingWindow(window);
        _minSamples = minSamples;
        _prior = prior;
    }

    public long Count => _values.Count;

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
            _own = SurpriseTail.Fit(_values.Held.ToArray()) ?? _own;
            _fittedAt = _values.Count;
        }

        return _own ?? _prior;
    }

    /// <summary>
    /// The factor a surprise is divided by so that <paramref name="onThreshold"/> falls where normal video reaches
    /// with probability <paramref name="risk"/> per frame: 1 when that is at or below the on-threshold (which stays
    /// the floor), when the risk is 0 (off), or while no tail is known.
    /// </summary>
    public double Divisor(double risk, double onThreshold) =>
        risk > 0 && Current() is { } tail ? Math.Max(1, tail.Quantile(risk) / onThreshold) : 1;

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
