using Microsoft.Extensions.Logging.Abstractions;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Sinks;
using StreamJepa.Kafka.Configuration;

namespace StreamJepa.Kafka.Tests;

public sealed class KafkaSinkKindTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-sinks").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task An_embedded_broker_start_delivers_what_an_earlier_run_journaled()
    {
        var kafka = await JournalSevenMessagesAsync();
        var output = new StringWriter();
        var sink = new KafkaSinkKind(kafka, TimeProvider.System, NullLoggerFactory.Instance);

        using (ResultSinks.Open(new OutputOptions { Sinks = [SinkKind.Kafka] }, output, [], [], sink))
        {
            Assert.True(await sink.Publisher!.WaitDeliveredAsync(TimeSpan.FromSeconds(30), CancellationToken.None));
            var delivered = TopicReader.ReadAll(sink.Embedded!.BootstrapServers, kafka.Anomalies.Topic, TimeSpan.FromSeconds(2));

            Assert.Equal(Enumerable.Range(0, 7).Select(i => (byte)i), delivered.Select(r => r.Message.Value[0]));
            await sink.Publisher.DisposeAsync();
        }

        Assert.Contains($"delivering 7 message(s) an earlier run journaled in kafka.journalDirectory ({kafka.JournalDirectory})", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, KafkaPublisher.JournaledIn(kafka.JournalDirectory));
    }

    [Fact]
    public async Task A_journal_another_publisher_holds_is_left_to_it()
    {
        var kafka = await JournalSevenMessagesAsync();
        await using var holder = new KafkaPublisher(kafka, "127.0.0.1:1", TimeProvider.System, NullLogger<KafkaPublisher>.Instance);
        var output = new StringWriter();
        var sink = new KafkaSinkKind(kafka, TimeProvider.System, NullLoggerFactory.Instance);

        using (ResultSinks.Open(new OutputOptions { Sinks = [SinkKind.Kafka] }, output, [], [], sink))
        {
            await sink.Publisher!.DisposeAsync();
        }

        Assert.Contains("is in use by another StreamJepa publisher", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(7, KafkaPublisher.JournaledIn(kafka.JournalDirectory));
    }

    /// <summary>Seven anomaly messages journaled by a publisher whose broker never answered, in a journal of this test's own.</summary>
    private async Task<KafkaOptions> JournalSevenMessagesAsync()
    {
        var kafka = new KafkaOptions { JournalDirectory = Path.Combine(_dir, "journal"), FlushTimeoutSeconds = 0.2 };
        await using (var away = new KafkaPublisher(kafka, "127.0.0.1:1", TimeProvider.System, NullLogger<KafkaPublisher>.Instance))
        {
            for (var i = 0; i < 7; i++)
            {
                away.Publish(PublishChannel.Anomalies, "cam", [(byte)i], []);
            }
        }

        Assert.Equal(7, KafkaPublisher.JournaledIn(kafka.JournalDirectory));
        return kafka;
    }
}
