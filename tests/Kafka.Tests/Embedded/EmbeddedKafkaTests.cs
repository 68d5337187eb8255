using Confluent.Kafka;
using StreamJepa.Kafka.Embedded;

namespace StreamJepa.Kafka.Tests.Embedded;

public sealed class EmbeddedKafkaTests
{
    [Fact]
    public void Messages_produced_to_it_are_consumed_back_over_the_wire()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("t", 2);
        Assert.Matches(@"^127\.0\.0\.1:\d+$|^localhost:\d+$", kafka.BootstrapServers);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            for (var i = 0; i < 10; i++)
            {
                producer.Produce("t", new Message<string, string> { Key = $"k{i % 3}", Value = $"v{i}" });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(10)));
        }

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "g",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe("t");
        var values = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (values.Count < 10 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
            {
                values.Add(result.Message.Value);
            }
        }

        consumer.Close();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"v{i}").Order(), values.Order());
    }
}
