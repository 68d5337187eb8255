using Microsoft.Extensions.Logging;
using StreamJepa.Core.Configuration;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Sinks;
using StreamJepa.Kafka.Configuration;
using StreamJepa.Kafka.Embedded;

namespace StreamJepa.Kafka;

/// <summary>
/// The <c>kafka</c> entry of output.sinks: a <see cref="KafkaResultSink"/> on a publisher to kafka.bootstrapServers,
/// or, without them, to an embedded broker started here with the enabled topics (released after the sink).
/// </summary>
public sealed class KafkaSinkKind(KafkaOptions options, TimeProvider time, ILoggerFactory loggers) : IResultSinkKind
{
    private const int EmbeddedPartitions = 4;

    public SinkKind Kind => SinkKind.Kafka;

    /// <summary>The publisher of the opened sink (its delivery can be awaited, its statistics read); null before <see cref="Open"/>.</summary>
    public KafkaPublisher? Publisher { get; private set; }

    /// <summary>The broker started for the sink when no bootstrap servers are configured; null otherwise.</summary>
    public EmbeddedKafka? Embedded { get; private set; }

    public (IResultSink Sink, IDisposable Owner) Open(TextWriter output)
    {
        var kafka = options;
        var bootstrap = kafka.BootstrapServers;
        var owner = new Owner();
        if (bootstrap is null)
        {
            Embedded = owner.Embedded = EmbeddedKafka.Start();
            foreach (var topic in new TopicOptions[] { kafka.Anomalies, kafka.Embeddings, kafka.Scores }.Where(t => t.Enabled))
            {
                Embedded.CreateTopic(topic.Topic, EmbeddedPartitions);
            }

            bootstrap = Embedded.BootstrapServers;

            // Every start honours kafka.journalDirectory: what an earlier run journaled is delivered to this broker
            // first. Only when another publisher holds that journal does this run journal in a folder of its own.
            output.WriteLine($"kafka: embedded broker at {bootstrap} (kafka.bootstrapServers not set); while this runs: streamjepa tail --bootstrap {bootstrap} --topic {kafka.Anomalies.Topic}");
        }

        try
        {
            try
            {
                Publisher = new KafkaPublisher(kafka, bootstrap, time, loggers.CreateLogger<KafkaPublisher>());
                if (Embedded is not null && KafkaPublisher.JournaledIn(kafka.JournalDirectory) is > 0 and var waiting)
                {
                    output.WriteLine($"kafka: delivering {waiting} message(s) an earlier run journaled in kafka.journalDirectory ({Path.GetFullPath(kafka.JournalDirectory)}) to the embedded broker first");
                }
            }
            catch (ConfigException ex) when (Embedded is not null && ex.Errors.Any(e => e.Key == "kafka.journalDirectory"))
            {
                owner.ScratchJournal = Directory.CreateTempSubdirectory("streamjepa-journal-").FullName;
                output.WriteLine($"kafka: kafka.journalDirectory ({Path.GetFullPath(kafka.JournalDirectory)}) is in use by another StreamJepa publisher; this run journals in {owner.ScratchJournal}, for this run only");
                kafka = kafka with { JournalDirectory = owner.ScratchJournal };
                Publisher = new KafkaPublisher(kafka, bootstrap, time, loggers.CreateLogger<KafkaPublisher>());
            }

            return (new KafkaResultSink(Publisher, kafka, time), owner);
        }
        catch
        {
            owner.Dispose();
            throw;
        }
    }

    /// <summary>What the sink needed besides itself: the embedded broker and a journal folder of this run's own.</summary>
    private sealed class Owner : IDisposable
    {
        public EmbeddedKafka? Embedded { get; set; }

        public string? ScratchJournal { get; set; }

        public void Dispose()
        {
            Embedded?.Dispose();
            if (ScratchJournal is not null && Directory.Exists(ScratchJournal))
            {
                Directory.Delete(ScratchJournal, recursive: true);
            }
        }
    }
}
