namespace StreamJepa.Inference.Engine;

/// <summary>The last <c>capacity</c> representations of a stream at one level, oldest first on read.</summary>
internal sealed class History
{
    private readonly float[][] _items;
    private long _count;

    public History(int capacity, int length)
    {
        _items = new float[capacity][];
        for (var i = 0; i < capacity; i++)
        {
            _items[i] = new float[length];
        }
    }

    /// <summary>Representations pushed so far.</summary>
    public long Count => _count;

    public bool Full => _count >= _items.Length;

    public void Push(ReadOnlySpan<float> item)
    {
        item.CopyTo(_items[_count % _items.Length]);
        _count++;
    }

    /// <summary>The representation of <paramref name="step"/>, if it is still held.</summary>
    public bool TryGet(long step, out ReadOnlySpan<float> item)
    {
        var held = step < _count && step >= _count - _items.Length && step >= 0;
        item = held ? _items[step % _items.Length] : default;
        return held;
    }

    /// <summary>Writes the history, oldest first, contiguously into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<float> destination)
    {
        var length = _items[0].Length;
        for (var i = 0; i < _items.Length; i++)
        {
            _items[(_count + i) % _items.Length].CopyTo(destination.Slice(i * length, length));
        }
    }
}
