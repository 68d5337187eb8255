using StreamJepa.Core.Results;
using StreamJepa.Ingest.Pipeline;

namespace StreamJepa.Host.Running;

/// <summary>
/// The last sink: once a frame's results have been handed to every other sink (the Kafka publisher's outbox
/// included), tells the stream directory, so a <c>kafka://</c> source may commit the frame's offset.
/// </summary>
internal sealed class FrameAcknowledgements(StreamDirectory streams) : IResultSink
{
    public bool WantsEmbeddings => false;

    public void OnScore(FrameScore score) => streams.Acknowledge(score.Stream, score.Frame);

    public void OnGap(FrameGap gap) => streams.Acknowledge(gap.Stream, gap.Frame);

    public void OnEmbedding(Embedding embedding)
    {
    }

    public void OnEpisode(AnomalyEpisode episode)
    {
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
