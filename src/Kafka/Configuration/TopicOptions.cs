using StreamJepa.Core.Configuration;

namespace StreamJepa.Kafka.Configuration;

/// <summary>One output topic: its name, whether it is published, and what happens when the broker cannot keep up.</summary>
public record TopicOptions
{
    public string Topic { get; init; } = string.Empty;

    public bool Enabled { get; init; } = true;

    /// <summary>Publish every Nth frame of a stream (level-1 embeddings and scores); windows of higher levels always.</summary>
    public int EveryFrames { get; init; } = 1;

    /// <summary>When the queue in memory is full: spool to the journal on disk, or drop the oldest (each drop counted).</summary>
    public OverflowPolicy Overflow { get; init; } = OverflowPolicy.DropOldest;

    /// <summary>Messages held in memory while the broker is away; 0 writes every message to the journal first.</summary>
    public int QueueCapacity { get; init; } = 20_000;

    public virtual void Validate(string key, ConfigErrors errors)
    {
        if (string.IsNullOrWhiteSpace(Topic) || Topic.Length > 249 || Topic.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
        {
            errors.Add($"{key}.topic", Topic, "must be 1-249 characters of a-z, A-Z, 0-9, '.', '_' or '-'");
        }

        errors.Range($"{key}.everyFrames", EveryFrames, 1, 1_000_000);
        errors.Range($"{key}.queueCapacity", QueueCapacity, 0, 10_000_000);
        if (Overflow == OverflowPolicy.DropOldest && QueueCapacity == 0)
        {
            errors.Add($"{key}.queueCapacity", QueueCapacity, "must be at least 1 with overflow dropOldest");
        }
    }
}

/// <summary>The anomalies topic: always published, never dropped (spooled), written to the journal first by default.</summary>
public sealed record AnomalyTopicOptions : TopicOptions
{
    public AnomalyTopicOptions()
    {
        Topic = "streamjepa.anomalies";
        Overflow = OverflowPolicy.Spool;
        QueueCapacity = 0;
    }

    public override void Validate(string key, ConfigErrors errors)
    {
        base.Validate(key, errors);
        if (Overflow != OverflowPolicy.Spool)
        {
            errors.Add($"{key}.overflow", Overflow.ToString(), "anomalies are never dropped: must be spool");
        }

        if (!Enabled)
        {
            errors.Add($"{key}.enabled", false, "anomalies are always published when kafka is a sink");
        }
    }
}

/// <summary>The embeddings topic: on by default; the oldest are dropped (and counted) when the broker cannot keep up.</summary>
public sealed record EmbeddingTopicOptions : TopicOptions
{
    public EmbeddingTopicOptions() => Topic = "streamjepa.embeddings";
}

/// <summary>The per-frame scores topic: off by default.</summary>
public sealed record ScoreTopicOptions : TopicOptions
{
    public ScoreTopicOptions()
    {
        Topic = "streamjepa.scores";
        Enabled = false;
    }
}

/// <summary>The frames topic (<c>streamjepa ingest</c> at the edge): JPEG frames keyed by stream; oldest dropped when the broker lags.</summary>
public sealed record FrameTopicOptions : TopicOptions
{
    public FrameTopicOptions()
    {
        Topic = "streamjepa.frames";
        QueueCapacity = 2_000;
    }
}
