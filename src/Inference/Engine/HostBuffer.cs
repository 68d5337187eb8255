using static TorchSharp.torch;

namespace StreamJepa.Inference.Engine;

/// <summary>
/// A pinned float array that tensors can share without a copy (<c>from_array</c> on pinned memory), reused for
/// every batch: batch inputs are written into it, and results are copied out of the device into it.
/// </summary>
internal sealed class HostBuffer
{
    public HostBuffer(long length)
    {
        Array = GC.AllocateArray<float>(checked((int)length), pinned: true);
    }

    public float[] Array { get; }

    /// <summary>A tensor over the first elements of the buffer with <paramref name="shape"/>; create inside a dispose scope.</summary>
    public Tensor View(params long[] shape)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        return from_array(Array).narrow(0, 0, count).view(shape);
    }

    /// <summary>Copies <paramref name="source"/> (any device) into the buffer and returns the host view.</summary>
    public Tensor CopyFrom(Tensor source)
    {
        var view = View(source.shape);
        view.copy_(source);
        return view;
    }

    public Span<float> Slice(long start, long length) => Array.AsSpan(checked((int)start), checked((int)length));
}
