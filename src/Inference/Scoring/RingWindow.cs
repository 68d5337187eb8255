namespace StreamJepa.Inference.Scoring;

/// <summary>The last <c>capacity</c> values added, overwriting the oldest, and how many were ever added.</summary>
internal sealed class RingWindow(int capacity)
{
    private readonly double[] _values = new double[capacity];

    /// <summary>Values ever added (the window holds the last <c>capacity</c> of them).</summary>
    public long Count { get; private set; }

    /// <summary>The values held, in storage order (not oldest first).</summary>
    public ReadOnlySpan<double> Held => _values.AsSpan(0, (int)Math.Min(Count, _values.Length));

    public void Add(double value)
    {
        _values[Count % _values.Length] = value;
        Count++;
    }

    /// <summary>The values held, oldest first.</summary>
    public double[] InOrder()
    {
        var n = (int)Math.Min(Count, _values.Length);
        var start = Count > _values.Length ? (int)(Count % _values.Length) : 0;
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = _values[(start + i) % _values.Length];
        }

        return values;
    }
}
