namespace StreamJepa.Kafka;

/// <summary>The kinds of message a publisher carries, each on its own topic with its own outbox.</summary>
public enum PublishChannel
{
    Anomalies,
    Embeddings,
    Scores,

    /// <summary>Compressed frames from the edge (<c>streamjepa ingest</c>); only an edge publisher carries them.</summary>
    Frames,
}
