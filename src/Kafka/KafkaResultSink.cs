using StreamJepa.Core.Results;
using StreamJepa.Kafka.Configuration;
using StreamJepa.Kafka.Messages;

namespace StreamJepa.Kafka;

/// <summary>
/// Hands results to a <see cref="KafkaPublisher"/>: anomaly episodes as JSON, embeddings in the binary form, and
/// (when enabled) per-frame scores, each keyed by stream id so a stream stays ordered on its partition.
/// </summary>
public sealed class KafkaResultSink : IResultSink
{
    private const int MaxWaitingPerStream = 4096;
    private readonly KafkaPublisher _publisher;
    private readonly FrameOrder<object> _order = new(MaxWaitingPerStream);
    private readonly KafkaOptions _options;
    private readonly TimeProvider _time;

    public KafkaResultSink(KafkaPublisher publisher, KafkaOptions options, TimeProvider time)
    {
        _publisher = publisher;
        _options = options;
        _time = time;
    }

    public bool WantsEmbeddings => _publisher.Publishes(PublishChannel.Embeddings);

    public void OnScore(FrameScore score) => Ordered(score.Stream, score.Frame, score);

    public void OnGap(FrameGap gap) => Ordered(gap.Stream, gap.Frame, gap);

    public void OnEmbedding(Embedding embedding)
    {
        if (embedding.Level > 1 || embedding.Frame % _options.Embeddings.EveryFrames == 0)
        {
            _publisher.Publish(PublishChannel.Embeddings, embedding.Stream, EmbeddingCodec.Encode(embedding), EmbeddingCodec.Headers(embedding, _time.GetUtcNow()));
        }
    }

    public void OnEpisode(AnomalyEpisode episode)
    {
        var message = AnomalyMessage.For(episode, _time.GetUtcNow());
        _publisher.Publish(PublishChannel.Anomalies, episode.Stream, message.ToBytes(), message.Headers());
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken) =>
        await _publisher.WaitDeliveredAsync(TimeSpan.FromSeconds(_options.FlushTimeoutSeconds), cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync()
    {
        foreach (var record in _order.Drain())
        {
            PublishFrameRecord(record);
        }

        return _publisher.DisposeAsync();
    }

    /// <summary>Scores and gaps go out in frame order per stream, as in the JSONL file.</summary>
    private void Ordered(string stream, long frame, object record)
    {
        if (!_publisher.Publishes(PublishChannel.Scores))
        {
            return;
        }

        foreach (var ready in _order.Add(stream, frame, record))
        {
            PublishFrameRecord(ready);
        }
    }

    private void PublishFrameRecord(object record)
    {
        switch (record)
        {
            case FrameScore score when score.Frame % _options.Scores.EveryFrames == 0:
                _publisher.Publish(PublishChannel.Scores, score.Stream, ScoreMessage.Encode(score), ScoreMessage.Headers(score.Stream, score.ModelVersion, _time.GetUtcNow()));
                break;
            case FrameGap gap:
                _publisher.Publish(PublishChannel.Scores, gap.Stream, ScoreMessage.Encode(gap), ScoreMessage.Headers(gap.Stream, -1, _time.GetUtcNow()));
                break;
        }
    }
}
