using Confluent.Kafka;
using StreamJepa.Core.Configuration;
using StreamJepa.Kafka.Configuration;

namespace StreamJepa.Kafka;

/// <summary>
/// Turns the kafka section into librdkafka client settings: the producer's delivery guarantees, the pass-through
/// properties (with "env:NAME" values read from the environment), and a description safe to log.
/// </summary>
public static class KafkaClientConfig
{
    private static readonly string[] SecretMarkers = ["password", "secret", "key", "token", "jaas", "credential", "oauthbearer.config"];

    /// <summary>Pass-through properties whose values hold no secret and help to read a log.</summary>
    private static readonly HashSet<string> ShownProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        "security.protocol", "sasl.mechanism", "sasl.mechanisms", "sasl.username", "ssl.endpoint.identification.algorithm", "ssl.ca.location",
        "socket.timeout.ms", "socket.keepalive.enable", "retry.backoff.ms", "reconnect.backoff.ms", "reconnect.backoff.max.ms",
        "debug", "broker.address.family", "api.version.request",
    };

    public static ProducerConfig Producer(KafkaOptions options, string bootstrapServers)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = options.ClientId,
            EnableIdempotence = true,
            Acks = Acks.All,
            // Never give a message up for lost while the broker is away: librdkafka retries it in order and the
            // idempotent producer keeps retries from duplicating it. The outbox bounds what waits in memory.
            MessageTimeoutMs = 0,
            LingerMs = options.LingerMs,
            CompressionType = Enum.Parse<CompressionType>(options.Compression, ignoreCase: true),
            QueueBufferingMaxMessages = Math.Min(10_000_000, (3 * options.MaxInFlight) + 1000),
            QueueBufferingMaxKbytes = 256 * 1024,
            BatchSize = 1_000_000,
        };
        return Apply(config, options);
    }

    public static AdminClientConfig Admin(KafkaOptions options, string bootstrapServers) =>
        Apply(new AdminClientConfig { BootstrapServers = bootstrapServers, ClientId = options.ClientId }, options);

    public static ConsumerConfig Consumer(KafkaOptions options, string bootstrapServers, string groupId) =>
        Apply(new ConsumerConfig { BootstrapServers = bootstrapServers, ClientId = options.ClientId, GroupId = groupId }, options);

    /// <summary>
    /// The settings as "name=value", for logs. The values of pass-through properties (<c>kafka.properties</c>) are
    /// shown only for the few names known to hold no secret, so a misspelt key or a value read from the environment
    /// never reaches a log; secret-like names are masked wherever they come from.
    /// </summary>
    public static string Describe(IEnumerable<KeyValuePair<string, string>> config, KafkaOptions options)
    {
        var passedThrough = new HashSet<string>(options.Properties.Keys, StringComparer.OrdinalIgnoreCase);
        return string.Join(", ", config.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
            $"{kv.Key}={(IsSecret(kv.Key) || (passedThrough.Contains(kv.Key) && !ShownProperties.Contains(kv.Key)) ? "***" : kv.Value)}"));
    }

    public static bool IsSecret(string name) =>
        SecretMarkers.Any(marker => name.Contains(marker, StringComparison.OrdinalIgnoreCase));

    private static T Apply<T>(T config, KafkaOptions options)
        where T : ClientConfig
    {
        foreach (var (name, value) in options.Properties)
        {
            config.Set(name, Resolve(name, value));
        }

        return config;
    }

    private static string Resolve(string name, string value)
    {
        if (!value.StartsWith("env:", StringComparison.Ordinal))
        {
            return value;
        }

        return Environment.GetEnvironmentVariable(value[4..])
            ?? throw new ConfigException([new ConfigError($"kafka.properties.{name}", value, $"environment variable {value[4..]} is not set")]);
    }
}
