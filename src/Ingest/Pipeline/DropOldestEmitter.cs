using System.Threading.Tasks.Dataflow;
using StreamJepa.Core.Frames;

namespace StreamJepa.Ingest.Pipeline;

/// <summary>
/// Live sources: a small per-stream buffer in front of the shared downstream. When it is full the oldest
/// frame is dropped (and counted), so the camera is never made to wait.
/// </summary>
internal sealed class DropOldestEmitter : IFrameEmitter
{
    private readonly BufferBlock<Frame> _buffer;
    private readonly IDisposable _link;
    private readonly StreamStats _stats;

    public DropOldestEmitter(ITargetBlock<Frame> target, int capacity, StreamStats stats)
    {
        _buffer = new BufferBlock<Frame>(new DataflowBlockOptions { BoundedCapacity = capacity });
        _link = _buffer.LinkTo(target);
        _stats = stats;
    }

    public bool Emit(Frame frame, CancellationToken cancellationToken)
    {
        while (!_buffer.Post(frame))
        {
            if (_buffer.Completion.IsCompleted)
            {
                frame.Dispose();
                return false;
            }

            if (_buffer.TryReceive(out var oldest))
            {
                _stats.OnDropped(oldest.Header);
                oldest.Dispose();
            }
        }

        return true;
    }

    public void Complete(CancellationToken cancellationToken)
    {
        _buffer.Complete();
        try
        {
            _buffer.Completion.Wait(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _link.Dispose();
            if (_buffer.TryReceiveAll(out var left))
            {
                foreach (var frame in left)
                {
                    _stats.OnDropped(frame.Header);
                    frame.Dispose();
                }
            }
        }
    }
}
