using Microsoft.Extensions.Logging.Abstractions;
using StreamJepa.Kafka.Configuration;
using StreamJepa.Kafka.Embedded;
using StreamJepa.Kafka.Messages;

namespace StreamJepa.Kafka.Tests.Support;

/// <summary>An embedded broker, a journal directory, and publishers on them with test-sized settings.</summary>
internal sealed class PublisherFixture : IDisposable
{
    private readonly TempDirectory _journal = new();

    public PublisherFixture()
    {
        Kafka = EmbeddedKafka.Start();
        Kafka.CreateTopic(Options.Anomalies.Topic, 3);
        Kafka.CreateTopic(Options.Embeddings.Topic, 3);
    }

    public EmbeddedKafka Kafka { get; }

    public KafkaOptions Options { get; init; } = new()
    {
        Anomalies = new AnomalyTopicOptions { Topic = "anomalies" },
        Embeddings = new EmbeddingTopicOptions { Topic = "embeddings", Overflow = OverflowPolicy.Spool, QueueCapacity = 50 },
        FlushTimeoutSeconds = 10,
        Breaker = new BreakerOptions { BreakSeconds = 0.5, SamplingSeconds = 2 },
    };

    public string JournalDirectory => _journal.Path;

    public KafkaPublisher Publisher(KafkaOptions? options = null, Microsoft.Extensions.Logging.ILogger? logger = null) =>
        new((options ?? Options) with { JournalDirectory = _journal.Path }, Kafka.BootstrapServers, TimeProvider.System, logger ?? NullLogger.Instance);

    public static void PublishEpisodes(KafkaPublisher publisher, int from, int to, int streams = 3)
    {
        for (var i = from; i < to; i++)
        {
            var message = AnomalyMessage.For(Episodes.Make($"cam-{i % streams}", i), DateTimeOffset.UtcNow);
            publisher.Publish(PublishChannel.Anomalies, $"cam-{i % streams}", message.ToBytes(), message.Headers());
        }
    }

    /// <summary>Every anomaly on the topic as (stream, episode number), in topic order per stream.</summary>
    public Dictionary<string, List<long>> ReadEpisodes()
    {
        var read = TopicReader.ReadAll(Kafka.BootstrapServers, Options.Anomalies.Topic, TimeSpan.FromSeconds(3));
        return read.Select(r => AnomalyMessage.Parse(r.Message.Value).Episode)
            .GroupBy(e => e.Stream)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Number).ToList());
    }

    public void Dispose()
    {
        Kafka.Dispose();
        _journal.Dispose();
    }
}
