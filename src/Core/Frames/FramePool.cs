using System.Collections.Concurrent;

namespace StreamJepa.Core.Frames;

/// <summary>
/// Pool of frames with pinned pixel buffers of one shape, so the hot path makes no garbage.
/// The pool grows on demand; bounded Dataflow capacities bound how many frames live at once.
/// </summary>
public sealed class FramePool
{
    private readonly ConcurrentQueue<Frame> _free = new();
    private long _created;

    public FramePool(FrameShape shape)
    {
        if (shape.Channels <= 0 || shape.Height <= 0 || shape.Width <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "every dimension must be positive");
        }

        Shape = shape;
    }

    public FrameShape Shape { get; }

    /// <summary>Frames allocated so far (in use or free).</summary>
    public long Created => Interlocked.Read(ref _created);

    /// <summary>Frames currently handed out and not yet disposed.</summary>
    public long InUse => Created - _free.Count;

    public Frame Rent(FrameHeader header)
    {
        if (!_free.TryDequeue(out var frame))
        {
            frame = new Frame(this, Shape);
            Interlocked.Increment(ref _created);
        }

        frame.OnRent(header);
        return frame;
    }

    internal void Return(Frame frame) => _free.Enqueue(frame);
}
