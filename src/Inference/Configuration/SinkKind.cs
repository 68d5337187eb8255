namespace StreamJepa.Inference.Configuration;

/// <summary>A kind of result sink (output.sinks).</summary>
public enum SinkKind
{
    /// <summary>JSON Lines files (output.scores, output.episodes, output.embeddings).</summary>
    Jsonl,

    /// <summary>Anomaly episodes printed as readable lines.</summary>
    Console,

    /// <summary>Kafka topics (the kafka section).</summary>
    Kafka,
}
