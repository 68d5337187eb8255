using Microsoft.Extensions.Logging.Abstractions;
using StreamJepa.Core.Configuration;
using StreamJepa.Host.Running;
using StreamJepa.Publish;

namespace StreamJepa.Host.Tests.Running;

public sealed class ResultSinksTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-sinks").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task An_embedded_broker_start_says_what_waits_in_the_configured_journal_and_leaves_it_there()
    {
        var journal = Path.Combine(_dir, "journal");
        var kafka = new KafkaOptions { JournalDirectory = journal, FlushTimeoutSeconds = 0.2 };
        await using (var away = new KafkaPublisher(kafka, "127.0.0.1:1", TimeProvider.System, NullLogger<KafkaPublisher>.Instance))
        {
            for (var i = 0; i < 7; i++)
            {
                away.Publish(PublishChannel.Anomalies, "cam", [(byte)i], []);
            }
        }

        var segments = Directory.GetFiles(journal, "*.seg").ToDictionary(f => f, File.ReadAllBytes);
        var output = new StringWriter();
        var options = new StreamJepaOptions { Kafka = kafka, Output = new OutputOptions { Sinks = [SinkKind.Kafka] } };

        using (ResultSinks.Open(options, output, TimeProvider.System, NullLoggerFactory.Instance, [], []))
        {
        }

        Assert.Equal(7, KafkaPublisher.JournaledIn(journal));
        Assert.Contains($"7 message(s) journaled while a real broker was away wait in kafka.journalDirectory ({journal})", output.ToString(), StringComparison.Ordinal);
        Assert.All(segments, s => Assert.Equal(s.Value, File.ReadAllBytes(s.Key)));
    }
}
