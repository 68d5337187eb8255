using Confluent.Kafka;

namespace StreamJepa.Kafka;

/// <summary>Reads a topic message by message (what <c>streamjepa tail</c> and downstream checks do).</summary>
public static class TopicReader
{
    private static readonly TimeSpan JoinGrace = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Hands each message to <paramref name="onMessage"/> until <paramref name="max"/> were read, nothing arrived
    /// for <paramref name="idleExit"/>, or <paramref name="cancellationToken"/> fires. Returns how many were read.
    /// </summary>
    public static int Read(
        ConsumerConfig config,
        string topic,
        Action<ConsumeResult<string, byte[]>> onMessage,
        Action<Error>? onError = null,
        int? max = null,
        TimeSpan? idleExit = null,
        CancellationToken cancellationToken = default)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(config)
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, e) => onError?.Invoke(e))
            .Build();
        consumer.Subscribe(topic);
        var count = 0;
        var started = DateTime.UtcNow;
        var lastMessage = started;
        try
        {
            while (!cancellationToken.IsCancellationRequested && (max is null || count < max))
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result is { IsPartitionEOF: false, Message: not null })
                {
                    onMessage(result);
                    count++;
                    lastMessage = DateTime.UtcNow;
                }
                else if (consumer.Assignment.Count == 0 && DateTime.UtcNow - started < JoinGrace)
                {
                    // The idle clock starts once the group has given this reader its partitions.
                    lastMessage = DateTime.UtcNow;
                }
                else if (idleExit is { } idle && DateTime.UtcNow - lastMessage >= idle)
                {
                    break;
                }
            }
        }
        finally
        {
            consumer.Close();
        }

        return count;
    }

    /// <summary>Everything on <paramref name="topic"/> from the beginning, until <paramref name="quiet"/> passes without a message.</summary>
    public static List<ConsumeResult<string, byte[]>> ReadAll(string bootstrapServers, string topic, TimeSpan quiet)
    {
        var results = new List<ConsumeResult<string, byte[]>>();
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"streamjepa-reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
        Read(config, topic, results.Add, idleExit: quiet);
        return results;
    }
}
