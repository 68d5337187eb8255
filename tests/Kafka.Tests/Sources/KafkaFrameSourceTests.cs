using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Logging.Abstractions;
using StreamJepa.Core.Frames;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Kafka.Configuration;
using StreamJepa.Kafka.Sources;

namespace StreamJepa.Kafka.Tests.Sources;

public sealed class KafkaFrameSourceTests
{
    [Theory]
    [InlineData("kafka://", null, "names no topic")]
    [InlineData("kafka://frames", null, "needs kafka.bootstrapServers")]
    public void A_kafka_source_that_cannot_be_read_fails_its_stream_with_the_reason(string uri, string? bootstrap, string reason)
    {
        using var ingest = new IngestPipeline(new IngestOptions { Width = 32, Height = 32 }, new ActionBlock<Frame>(f => f.Dispose()), TimeProvider.System, NullLoggerFactory.Instance, schemes: [new KafkaFrameSource(new KafkaOptions { BootstrapServers = bootstrap })]);

        var stats = ingest.Add(new SourceOptions { Id = "workers", Uri = uri });

        Assert.Equal(StreamStatus.Failed, stats.Status);
        Assert.Contains(reason, stats.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_kafka_scheme_a_kafka_uri_is_not_a_source_ingest_knows()
    {
        using var ingest = new IngestPipeline(new IngestOptions { Width = 32, Height = 32 }, new ActionBlock<Frame>(f => f.Dispose()), TimeProvider.System, NullLoggerFactory.Instance);

        var stats = ingest.Add(new SourceOptions { Id = "workers", Uri = "kafka://frames" });

        Assert.Equal(StreamStatus.Failed, stats.Status);
        Assert.Contains("kafka", stats.LastError, StringComparison.Ordinal);
    }
}
