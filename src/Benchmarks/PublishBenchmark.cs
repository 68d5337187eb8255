using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using StreamJepa.Core.Results;
using StreamJepa.Kafka;
using StreamJepa.Kafka.Configuration;
using StreamJepa.Kafka.Embedded;
using StreamJepa.Kafka.Messages;

namespace StreamJepa.Benchmarks;

/// <summary>
/// Publishing throughput on the embedded broker: embeddings through StreamJepa's Kafka sink (encode, outbox,
/// sender thread, circuit breaker, idempotent producer) next to a bare Confluent.Kafka producer with the same
/// settings that encodes and calls Produce with a delivery handler, alternated round by round, each round timed
/// from the first message to the last acknowledgement.
/// </summary>
public sealed class PublishBenchmark
{
    private const int Partitions = 8;
    private const int SpillLimit = 1000;
    private const int WriteAheadMessages = 2000;
    private readonly KafkaOptions _options;
    private readonly TextWriter _output;

    public PublishBenchmark(KafkaOptions options, TextWriter output)
    {
        _options = options;
        _output = output;
    }

    public async Task RunAsync(int messages, int dim, int streams, int rounds, CancellationToken cancellationToken)
    {
        using var kafka = EmbeddedKafka.Start();
        var embeddings = Enumerable.Range(0, messages)
            .Select(i => new Embedding($"cam-{i % streams}", i / streams, i * 40.0, 1, 1, [.. Enumerable.Range(0, dim).Select(d => MathF.Sin(i + d))]))
            .ToArray();
        var bytes = (double)EmbeddingCodec.Encode(embeddings[0]).Length;
        await Line(string.Create(CultureInfo.InvariantCulture,
            $"publish benchmark: {messages} embeddings of dim {dim} ({bytes:0} B each) from {streams} streams per round, embedded broker {kafka.BootstrapServers} ({Partitions} partitions), compression {_options.Compression}, linger {_options.LingerMs} ms, {rounds} round(s), {Environment.ProcessorCount} cores, median of rounds")).ConfigureAwait(false);
        var bare = new List<double>();
        var sink = new List<double>();
        var spill = new List<double>();
        var writeAhead = new List<double>();
        var few = embeddings[..Math.Min(embeddings.Length, WriteAheadMessages)];
        for (var round = 0; round < rounds; round++)
        {
            bare.Add(Bare(kafka, Topic(kafka, $"bare-{round}"), embeddings));
            sink.Add(await ThroughSinkAsync(kafka, Topic(kafka, $"sink-{round}"), embeddings, round, messages, messages, cancellationToken).ConfigureAwait(false));
            spill.Add(await ThroughSinkAsync(kafka, Topic(kafka, $"spill-{round}"), embeddings, round, SpillLimit, SpillLimit, cancellationToken).ConfigureAwait(false));
            writeAhead.Add(await ThroughSinkAsync(kafka, Topic(kafka, $"ahead-{round}"), few, round, 0, SpillLimit, cancellationToken).ConfigureAwait(false));
        }

        await Line("| path | messages/s, median (rounds) | MB/s | vs bare producer: median of per-round ratios |").ConfigureAwait(false);
        await Line("|---|---:|---:|---:|").ConfigureAwait(false);
        await Row("bare Confluent.Kafka Produce + handler", bare).ConfigureAwait(false);
        await Row("StreamJepa Kafka sink (outbox in memory, breaker)", sink).ConfigureAwait(false);
        await Row($"StreamJepa Kafka sink spilling: {SpillLimit} in memory and {SpillLimit} in flight, the rest through the journal", spill).ConfigureAwait(false);
        await Row($"StreamJepa Kafka sink, write-ahead (queueCapacity 0, fsync per message as for anomalies; {few.Length} messages)", writeAhead).ConfigureAwait(false);

        // The broker shares the two cores, so rounds drift together: each path is compared with the bare producer of
        // its own round (run just before it).
        Task Row(string path, List<double> rates)
        {
            var m = Median(rates);
            var ratio = Median([.. rates.Zip(bare, (r, b) => r / b)]);
            var all = string.Join(" ", rates.Select(x => x.ToString("0", CultureInfo.InvariantCulture)));
            return Line(string.Create(CultureInfo.InvariantCulture, $"| {path} | {m:0} ({all}) | {m * bytes / 1e6:0.0} | {ratio:0.00} |"));
        }
    }

    internal static string Topic(EmbeddedKafka kafka, string name)
    {
        kafka.CreateTopic(name, Partitions);
        return name;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    internal double Bare(EmbeddedKafka kafka, string topic, Embedding[] embeddings) => BareProducer.Send(_options, kafka.BootstrapServers, topic, embeddings);

    internal async Task<double> ThroughSinkAsync(EmbeddedKafka kafka, string topic, Embedding[] embeddings, int round, int queueCapacity, int maxInFlight, CancellationToken cancellationToken)
    {
        var journal = Directory.CreateTempSubdirectory("streamjepa-bench-journal-").FullName;
        try
        {
            var options = _options with
            {
                JournalDirectory = journal,
                MaxInFlight = maxInFlight,
                Embeddings = new EmbeddingTopicOptions { Topic = topic, Overflow = OverflowPolicy.Spool, QueueCapacity = queueCapacity },
                Anomalies = new AnomalyTopicOptions { Topic = $"bench-anomalies-{round}" },
            };
            var publisher = new KafkaPublisher(options, kafka.BootstrapServers, TimeProvider.System, NullLogger.Instance);
            await using (publisher.ConfigureAwait(false))
            {
                var sink = new KafkaResultSink(publisher, options, TimeProvider.System);
                var clock = Stopwatch.StartNew();
                foreach (var e in embeddings)
                {
                    sink.OnEmbedding(e);
                }

                if (!await publisher.WaitDeliveredAsync(TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false))
                {
                    throw new InvalidOperationException($"the sink did not deliver within 2 minutes: {publisher.Stats()}");
                }

                var seconds = clock.Elapsed.TotalSeconds;
                var stats = publisher.Stats();
                if (stats.Delivered != embeddings.Length)
                {
                    throw new InvalidOperationException($"the sink delivered {stats.Delivered} of {embeddings.Length}");
                }

                return embeddings.Length / seconds;
            }
        }
        finally
        {
            Directory.Delete(journal, recursive: true);
        }
    }

    private Task Line(string text) => _output.WriteLineAsync(text);
}
