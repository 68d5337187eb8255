using Microsoft.Extensions.Logging;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Ingest.Sources;
using StreamJepa.Kafka.Configuration;

namespace StreamJepa.Kafka.Sources;

/// <summary>
/// The <c>kafka://TOPIC</c> source kind the ingest pipeline is given: a member of the worker consumer group on a frames
/// topic that <c>streamjepa ingest</c> publishes to (<see cref="KafkaFrameReader"/>).
/// </summary>
public sealed class KafkaFrameSource(KafkaOptions kafka) : ISourceScheme
{
    public string Scheme => "kafka";

    public ISchemeReader Open(SourceOptions source, SchemeContext context)
    {
        var topic = source.Uri[(Scheme.Length + 3)..].Trim('/');
        var id = context.Stats.StreamId;
        if (topic.Length == 0)
        {
            throw new SourceException(id, $"source '{id}': {source.Uri} names no topic (kafka://TOPIC)");
        }

        if (kafka.BootstrapServers is null)
        {
            throw new SourceException(id, $"source '{id}': {source.Uri} needs kafka.bootstrapServers (the brokers the edge publishes to)");
        }

        return new KafkaFrameReader(topic, kafka, context.Options, context.Pool, context.Emitter, context.Stats, context.StreamFor, context.Time, context.Loggers.CreateLogger<KafkaFrameReader>());
    }
}
