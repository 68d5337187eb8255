using System.Threading.Tasks.Dataflow;
using StreamJepa.Core.Frames;

namespace StreamJepa.Ingest.Pipeline;

/// <summary>Replay of files: waits until the bounded downstream takes the frame, so no frame is ever lost.</summary>
internal sealed class BackpressureEmitter : IFrameEmitter
{
    private readonly ITargetBlock<Frame> _target;

    public BackpressureEmitter(ITargetBlock<Frame> target)
    {
        _target = target;
    }

    public bool Emit(Frame frame, CancellationToken cancellationToken)
    {
        bool accepted;
        try
        {
            // The reader runs on its own thread, so blocking here is the backpressure itself.
            accepted = _target.SendAsync(frame, cancellationToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            frame.Dispose();
            throw;
        }

        if (!accepted)
        {
            frame.Dispose();
        }

        return accepted;
    }

    public void Complete(CancellationToken cancellationToken)
    {
    }
}
