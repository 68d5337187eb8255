namespace StreamJepa.Core.Frames;

/// <summary>
/// One preprocessed frame: header plus model input in a pinned, pooled buffer (C, H, W), normalised.
/// Whoever holds a frame last disposes it, which hands the buffer back to its pool.
/// </summary>
public sealed class Frame : IDisposable
{
    private readonly FramePool _pool;
    private int _rented;

    internal Frame(FramePool pool, FrameShape shape)
    {
        _pool = pool;
        Shape = shape;
        Pixels = GC.AllocateArray<float>(shape.Length, pinned: true);
    }

    public FrameHeader Header { get; private set; }

    public FrameShape Shape { get; }

    /// <summary>Model input, channel-major; pinned, so a tensor can share it without a copy.</summary>
    public float[] Pixels { get; }

    internal void OnRent(FrameHeader header)
    {
        Header = header;
        Volatile.Write(ref _rented, 1);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, 0) == 1)
        {
            _pool.Return(this);
        }
    }
}
