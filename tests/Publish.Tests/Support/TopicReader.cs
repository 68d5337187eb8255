using Confluent.Kafka;

namespace StreamJepa.Publish.Tests.Support;

/// <summary>Reads a topic from the beginning, the way a downstream consumer would.</summary>
internal static class TopicReader
{
    public static List<ConsumeResult<string, byte[]>> Read(string bootstrap, string topic, int expected, TimeSpan? limit = null, TimeSpan? quiet = null)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<string, byte[]>>();
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        var quietUntil = DateTime.MaxValue;
        while (DateTime.UtcNow < deadline && DateTime.UtcNow < quietUntil)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } result)
            {
                results.Add(result);
            }

            if (results.Count >= expected && quietUntil == DateTime.MaxValue)
            {
                // Keep reading a little longer so duplicates would show.
                quietUntil = DateTime.UtcNow + (quiet ?? TimeSpan.FromSeconds(1));
            }
        }

        consumer.Close();
        return results;
    }
}
