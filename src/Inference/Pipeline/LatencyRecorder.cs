namespace StreamJepa.Inference.Pipeline;

/// <summary>Latencies from decode to score, kept in a ring of the most recent samples for percentiles.</summary>
public sealed class LatencyRecorder
{
    private readonly double[] _samples;
    private readonly Lock _gate = new();
    private long _count;

    public LatencyRecorder(int capacity = 20_000)
    {
        _samples = new double[capacity];
    }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Called with every latency added (e.g. a metrics histogram).</summary>
    public Action<double>? Observer { get; set; }

    public void Add(double milliseconds)
    {
        Observer?.Invoke(milliseconds);
        lock (_gate)
        {
            _samples[_count % _samples.Length] = milliseconds;
            _count++;
        }
    }

    /// <summary>The <paramref name="quantile"/> (0..1) of the recent latencies in milliseconds, or NaN with none.</summary>
    public double Percentile(double quantile)
    {
        double[] copy;
        lock (_gate)
        {
            copy = _samples[..(int)Math.Min(_count, _samples.Length)];
        }

        if (copy.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(copy);
        return copy[(int)Math.Min(copy.Length - 1, Math.Floor(quantile * copy.Length))];
    }
}
