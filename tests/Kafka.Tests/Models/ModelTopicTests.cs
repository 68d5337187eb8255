using Confluent.Kafka;
using StreamJepa.Kafka.Configuration;
using StreamJepa.Kafka.Embedded;
using StreamJepa.Kafka.Models;
using StreamJepa.Kafka.Tests.Support;

namespace StreamJepa.Kafka.Tests.Models;

public sealed class ModelTopicTests : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start();

    public void Dispose() => _kafka.Dispose();

    [Fact]
    public async Task A_starting_reader_takes_the_newest_version_then_follows_new_ones_past_a_damaged_one()
    {
        _kafka.CreateTopic("models", 1);
        var options = new KafkaOptions { BootstrapServers = _kafka.BootstrapServers, Models = new ModelTopicOptions { Topic = "models", ChunkBytes = 16 * 1024 } };
        var log = new LogLines();
        using var publisher = new ModelPublisher(options, _kafka.BootstrapServers, log);
        var first = Bytes(40_000, seed: 1);
        var second = Bytes(50_000, seed: 2);
        await publisher.PublishAsync(1, first, CancellationToken.None);
        await publisher.PublishAsync(2, second, CancellationToken.None);

        using var follower = new ModelFollower(options, _kafka.BootstrapServers, log);
        var newest = follower.CatchUp(TimeSpan.FromSeconds(20));

        Assert.NotNull(newest);
        Assert.Equal(2, newest.Version);
        Assert.Equal(second, newest.Checkpoint);

        var received = new List<long>();
        follower.Follow(model =>
        {
            lock (received)
            {
                received.Add(model.Version);
            }

            return null;
        });
        await PublishDamagedAsync(3);
        await publisher.PublishAsync(4, Bytes(30_000, seed: 4), CancellationToken.None);

        await WaitForFirstAsync(received);

        lock (received)
        {
            Assert.Equal([4L], received);
        }

        Assert.Equal(1, follower.Refused);
        Assert.Contains("model version 3 is damaged", log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("could not create", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receiver_that_fails_on_a_version_does_not_stop_the_follower()
    {
        _kafka.CreateTopic("failing-models", 1);
        var options = new KafkaOptions { BootstrapServers = _kafka.BootstrapServers, Models = new ModelTopicOptions { Topic = "failing-models", ChunkBytes = 16 * 1024 } };
        var log = new LogLines();
        using var publisher = new ModelPublisher(options, _kafka.BootstrapServers, log);
        using var follower = new ModelFollower(options, _kafka.BootstrapServers, log);
        Assert.Null(follower.CatchUp(TimeSpan.FromSeconds(20)));

        var received = new List<long>();
        follower.Follow(model =>
        {
            if (model.Version == 1)
            {
                throw new InvalidOperationException("the receiver broke on version 1");
            }

            lock (received)
            {
                received.Add(model.Version);
            }

            return null;
        });
        await publisher.PublishAsync(1, Bytes(20_000, seed: 1), CancellationToken.None);
        await publisher.PublishAsync(2, Bytes(20_000, seed: 2), CancellationToken.None);

        await WaitForFirstAsync(received);

        lock (received)
        {
            Assert.Equal([2L], received);
        }

        Assert.Contains("the receiver broke on version 1", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_reader_of_a_topic_without_versions_starts_with_none()
    {
        _kafka.CreateTopic("empty-models", 1);
        var options = new KafkaOptions { BootstrapServers = _kafka.BootstrapServers, Models = new ModelTopicOptions { Topic = "empty-models" } };
        using var follower = new ModelFollower(options, _kafka.BootstrapServers, new LogLines());

        Assert.Null(follower.CatchUp(TimeSpan.FromSeconds(20)));
    }

    /// <summary>Waits up to 30 s for the follower to hand over a version.</summary>
    private static async Task WaitForFirstAsync(List<long> received)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && Count(received) == 0)
        {
            await Task.Delay(100);
        }
    }

    private static int Count(List<long> received)
    {
        lock (received)
        {
            return received.Count;
        }
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A version whose chunk does not match its manifest, as a bit flipped on the way would leave it.</summary>
    private async Task PublishDamagedAsync(long version)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers }).Build();
        var headers = new Headers { { ModelManifest.VersionHeader, System.Text.Encoding.ASCII.GetBytes(version.ToString(System.Globalization.CultureInfo.InvariantCulture)) } };
        var partition = new TopicPartition("models", 0);
        await producer.ProduceAsync(partition, new Message<string, byte[]> { Key = ModelManifest.ChunkKey(0), Value = Bytes(1000, seed: 9), Headers = headers });
        var manifest = new ModelManifest(version, 1, 1000, new string('0', 64), DateTimeOffset.UtcNow);
        await producer.ProduceAsync(partition, new Message<string, byte[]> { Key = ModelManifest.Key, Value = manifest.ToJson() });
    }
}
