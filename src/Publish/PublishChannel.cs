namespace StreamJepa.Publish;

/// <summary>The kinds of message a publisher carries, each on its own topic with its own outbox.</summary>
public enum PublishChannel
{
    Anomalies,
    Embeddings,
    Scores,
}
