using System.Collections.Concurrent;
using System.Threading.Tasks.Dataflow;
using StreamJepa.Core.Frames;

namespace StreamJepa.Ingest.Tests.Support;

/// <summary>A bounded consumer block that records what it receives (header and mean pixel value) and releases frames.</summary>
internal sealed class FrameCollector
{
    private readonly ConcurrentQueue<(FrameHeader Header, float Mean)> _received = new();

    public FrameCollector(int capacity = 8, TimeSpan? delay = null, Func<Frame, bool>? block = null)
    {
        Block = new ActionBlock<Frame>(
            async frame =>
            {
                using (frame)
                {
                    _received.Enqueue((frame.Header, frame.Pixels.Average()));
                    if (delay is { } d)
                    {
                        await Task.Delay(d);
                    }
                }
            },
            new ExecutionDataflowBlockOptions { BoundedCapacity = capacity });
    }

    public ActionBlock<Frame> Block { get; }

    public IReadOnlyList<(FrameHeader Header, float Mean)> Received => [.. _received];

    public IReadOnlyList<FrameHeader> Of(string stream) => [.. _received.Select(r => r.Header).Where(h => h.StreamId == stream)];

    public async Task CompleteAsync()
    {
        Block.Complete();
        await Block.Completion;
    }
}
