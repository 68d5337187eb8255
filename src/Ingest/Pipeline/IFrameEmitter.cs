using StreamJepa.Core.Frames;

namespace StreamJepa.Ingest.Pipeline;

/// <summary>How a reader hands frames downstream: waiting (backpressure) or dropping the oldest.</summary>
public interface IFrameEmitter
{
    /// <summary>Hands <paramref name="frame"/> on, taking ownership. False when downstream no longer accepts frames.</summary>
    bool Emit(Frame frame, CancellationToken cancellationToken);

    /// <summary>Delivers what is still buffered, or drops it once <paramref name="cancellationToken"/> fires.</summary>
    void Complete(CancellationToken cancellationToken);
}
