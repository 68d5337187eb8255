using Microsoft.Extensions.Logging;
using StreamJepa.Core.Configuration;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Sinks;
using StreamJepa.Kafka;
using StreamJepa.Kafka.Embedded;

namespace StreamJepa.Host.Running;

/// <summary>
/// The sink set of output.sinks, and the embedded broker when Kafka is a sink without bootstrap servers. The
/// inference pipeline disposes the sinks (flushing the publisher); this disposes the embedded broker after them.
/// </summary>
internal sealed class ResultSinks : IDisposable
{
    private const int EmbeddedPartitions = 4;
    private readonly string? _scratchJournal;

    private ResultSinks(IReadOnlyList<IResultSink> sinks, KafkaPublisher? publisher, EmbeddedKafka? embedded, string? scratchJournal = null)
    {
        _scratchJournal = scratchJournal;
        Sinks = sinks;
        Publisher = publisher;
        Embedded = embedded;
    }

    public IReadOnlyList<IResultSink> Sinks { get; }

    public KafkaPublisher? Publisher { get; }

    public EmbeddedKafka? Embedded { get; }

    /// <param name="options">The configuration: output.sinks, the JSONL paths, the kafka section.</param>
    /// <param name="output">Where the console sink and the embedded broker's address are printed.</param>
    /// <param name="time">Clock for the publisher.</param>
    /// <param name="loggers">Logging.</param>
    /// <param name="first">Sinks that come before the configured ones (metrics).</param>
    /// <param name="last">Sinks that come after them (acknowledgements: the others have the results by then).</param>
    public static ResultSinks Open(StreamJepaOptions options, TextWriter output, TimeProvider time, ILoggerFactory loggers, IResultSink[] first, IResultSink[] last)
    {
        var sinks = new List<IResultSink>(first);
        if (options.Output.Has(SinkKind.Jsonl))
        {
            sinks.Add(new JsonlSink(options.Output));
        }

        if (options.Output.Has(SinkKind.Console))
        {
            sinks.Add(new ConsoleSink(output));
        }

        if (!options.Output.Has(SinkKind.Kafka))
        {
            return new ResultSinks([.. sinks, .. last], null, null);
        }

        var kafka = options.Kafka;
        EmbeddedKafka? embedded = null;
        string? scratch = null;
        var bootstrap = kafka.BootstrapServers;
        if (bootstrap is null)
        {
            embedded = EmbeddedKafka.Start();
            foreach (var topic in new TopicOptions[] { kafka.Anomalies, kafka.Embeddings, kafka.Scores }.Where(t => t.Enabled))
            {
                embedded.CreateTopic(topic.Topic, EmbeddedPartitions);
            }

            bootstrap = embedded.BootstrapServers;

            // Every start honours kafka.journalDirectory: what an earlier run journaled is delivered to this broker
            // first. Only when another publisher holds that journal does this run journal in a folder of its own.
            output.WriteLine($"kafka: embedded broker at {bootstrap} (kafka.bootstrapServers not set); while this runs: streamjepa tail --bootstrap {bootstrap} --topic {kafka.Anomalies.Topic}");
        }

        try
        {
            KafkaPublisher publisher;
            try
            {
                publisher = new KafkaPublisher(kafka, bootstrap, time, loggers.CreateLogger<KafkaPublisher>());
                if (embedded is not null && KafkaPublisher.JournaledIn(kafka.JournalDirectory) is > 0 and var waiting)
                {
                    output.WriteLine($"kafka: delivering {waiting} message(s) an earlier run journaled in kafka.journalDirectory ({Path.GetFullPath(kafka.JournalDirectory)}) to the embedded broker first");
                }
            }
            catch (ConfigException ex) when (embedded is not null && ex.Errors.Any(e => e.Key == "kafka.journalDirectory"))
            {
                scratch = Directory.CreateTempSubdirectory("streamjepa-journal-").FullName;
                output.WriteLine($"kafka: kafka.journalDirectory ({Path.GetFullPath(kafka.JournalDirectory)}) is in use by another StreamJepa publisher; this run journals in {scratch}, for this run only");
                kafka = kafka with { JournalDirectory = scratch };
                publisher = new KafkaPublisher(kafka, bootstrap, time, loggers.CreateLogger<KafkaPublisher>());
            }

            sinks.Add(new KafkaResultSink(publisher, kafka, time));
            return new ResultSinks([.. sinks, .. last], publisher, embedded, scratch);
        }
        catch
        {
            embedded?.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Embedded?.Dispose();
        if (_scratchJournal is not null && Directory.Exists(_scratchJournal))
        {
            Directory.Delete(_scratchJournal, recursive: true);
        }
    }
}
