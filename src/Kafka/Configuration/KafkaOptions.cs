using StreamJepa.Core.Configuration;

namespace StreamJepa.Kafka.Configuration;

/// <summary>
/// Publishing to Kafka (output.sinks contains "kafka"). Without bootstrap servers an embedded broker is started
/// on loopback. Documented in docs/schema/README.md.
/// </summary>
public sealed record KafkaOptions
{
    /// <summary>host:port,… of a Kafka cluster; null starts the embedded broker (librdkafka's mock cluster).</summary>
    public string? BootstrapServers { get; init; }

    public string ClientId { get; init; } = "streamjepa";

    /// <summary>Anomaly episodes (opened, updated, closed) as JSON. Never dropped.</summary>
    public AnomalyTopicOptions Anomalies { get; init; } = new();

    /// <summary>Embeddings per frame (level 1) and per window (higher levels) in the binary form.</summary>
    public EmbeddingTopicOptions Embeddings { get; init; } = new();

    /// <summary>Per-frame scores as JSON (the JSONL score records); off unless enabled.</summary>
    public ScoreTopicOptions Scores { get; init; } = new();

    /// <summary>Frames published by <c>streamjepa ingest</c> and read by <c>run --source kafka://TOPIC</c>.</summary>
    public FrameTopicOptions Frames { get; init; } = new();

    /// <summary>The fleet's model: versions published by <c>streamjepa learn</c>, followed by workers.</summary>
    public ModelTopicOptions Models { get; init; } = new();

    /// <summary>Consumer group of the workers that read frames from Kafka: Kafka spreads the streams over its members.</summary>
    public string WorkerGroup { get; init; } = "streamjepa-workers";

    /// <summary>Where messages that could not be delivered wait on disk (and survive a restart).</summary>
    public string JournalDirectory { get; init; } = "streamjepa-journal";

    /// <summary>Compression of record batches: none | gzip | snappy | lz4 | zstd.</summary>
    public string Compression { get; init; } = "lz4";

    public int LingerMs { get; init; } = 5;

    /// <summary>Most messages handed to the client library and not yet acknowledged, per topic.</summary>
    public int MaxInFlight { get; init; } = 50_000;

    /// <summary>Time allowed at shutdown for delivering what is in flight; the rest goes to the journal.</summary>
    public double FlushTimeoutSeconds { get; init; } = 10;

    public BreakerOptions Breaker { get; init; } = new();

    /// <summary>
    /// librdkafka properties passed through unchanged (security.protocol, sasl.*, ssl.*, …). A value written
    /// "env:NAME" is read from the environment variable NAME, so secrets need not sit in the file. Values are
    /// never logged.
    /// </summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>librdkafka properties the publisher's guarantees rest on, or that have their own key.</summary>
    private static readonly HashSet<string> Managed = new(StringComparer.OrdinalIgnoreCase)
    {
        "bootstrap.servers", "metadata.broker.list", "client.id", "enable.idempotence", "acks", "request.required.acks",
        "message.timeout.ms", "delivery.timeout.ms", "compression.type", "compression.codec", "linger.ms", "queue.buffering.max.ms",
    };

    public void Validate(string key, ConfigErrors errors)
    {
        if (BootstrapServers is { } servers && string.IsNullOrWhiteSpace(servers))
        {
            errors.Add($"{key}.bootstrapServers", servers, "must be host:port[,host:port…] (or left out for the embedded broker)");
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            errors.Add($"{key}.clientId", ClientId, "must not be empty");
        }

        Anomalies.Validate($"{key}.anomalies", errors);
        Embeddings.Validate($"{key}.embeddings", errors);
        Scores.Validate($"{key}.scores", errors);
        Frames.Validate($"{key}.frames", errors);
        Models.Validate($"{key}.models", errors);
        if (Models.Follow && BootstrapServers is null)
        {
            errors.Add($"{key}.models.follow", true, "follows the model topic of a shared cluster: set kafka.bootstrapServers too");
        }
        if (string.IsNullOrWhiteSpace(WorkerGroup))
        {
            errors.Add($"{key}.workerGroup", WorkerGroup, "must not be empty");
        }

        if (string.IsNullOrWhiteSpace(JournalDirectory))
        {
            errors.Add($"{key}.journalDirectory", JournalDirectory, "must be a directory path");
        }

        if (Compression is not ("none" or "gzip" or "snappy" or "lz4" or "zstd"))
        {
            errors.Add($"{key}.compression", Compression, "must be none, gzip, snappy, lz4 or zstd");
        }

        errors.Range($"{key}.lingerMs", LingerMs, 0, 900_000);
        errors.Range($"{key}.maxInFlight", MaxInFlight, 1, 1_000_000);
        errors.Range($"{key}.flushTimeoutSeconds", FlushTimeoutSeconds, 0, 3600);
        Breaker.Validate($"{key}.breaker", errors);
        foreach (var (name, value) in Properties)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add($"{key}.properties", name, "property names must not be empty");
            }
            else if (Managed.Contains(name))
            {
                errors.Add($"{key}.properties.{name}", null, "is set by StreamJepa for its delivery guarantees (idempotence, acks=all, no message timeout) or by another kafka key, and cannot be overridden");
            }
            else if (value.StartsWith("env:", StringComparison.Ordinal) && Environment.GetEnvironmentVariable(value[4..]) is null)
            {
                errors.Add($"{key}.properties.{name}", value, $"environment variable {value[4..]} is not set");
            }
        }
    }
}
