using System.Diagnostics;
using Confluent.Kafka;
using StreamJepa.Core.Results;
using StreamJepa.Kafka.Configuration;
using StreamJepa.Kafka.Messages;

namespace StreamJepa.Kafka;

/// <summary>
/// A bare Confluent.Kafka producer with the publisher's settings that encodes embeddings and calls Produce with a
/// delivery handler: no outbox, journal or breaker. The baseline the publish benchmark sets the publisher against.
/// </summary>
public static class BareProducer
{
    /// <summary>Sends every embedding to <paramref name="topic"/> and waits for the last acknowledgement; returns messages/s.</summary>
    /// <exception cref="InvalidOperationException">Not every message was delivered.</exception>
    public static double Send(KafkaOptions options, string bootstrapServers, string topic, IReadOnlyList<Embedding> embeddings)
    {
        var delivered = 0L;
        var failed = 0L;
        using var producer = new ProducerBuilder<string, byte[]>(KafkaClientConfig.Producer(options with { MaxInFlight = embeddings.Count }, bootstrapServers))
            .SetLogHandler((_, _) => { })
            .Build();
        Action<DeliveryReport<string, byte[]>> handler = report =>
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref failed);
            }
            else
            {
                Interlocked.Increment(ref delivered);
            }
        };
        var clock = Stopwatch.StartNew();
        foreach (var e in embeddings)
        {
            var message = new Message<string, byte[]> { Key = e.Stream, Value = EmbeddingCodec.Encode(e), Headers = EmbeddingCodec.Headers(e, DateTimeOffset.UtcNow) };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, handler);
                    break;
                }
                catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(1));
                }
            }
        }

        producer.Flush(TimeSpan.FromMinutes(2));
        var seconds = clock.Elapsed.TotalSeconds;
        if (delivered != embeddings.Count || failed != 0)
        {
            throw new InvalidOperationException($"bare producer delivered {delivered} of {embeddings.Count} ({failed} failed)");
        }

        return embeddings.Count / seconds;
    }
}
