using System.Globalization;
using System.Security.Cryptography;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using StreamJepa.Kafka.Configuration;

namespace StreamJepa.Kafka.Models;

/// <summary>
/// Publishes model versions to the model topic (<c>kafka.models.topic</c>): the checkpoint in chunks, then its
/// manifest, each delivered (acks from all replicas, idempotent) before the next is sent, so a manifest is never read
/// before its chunks. The topic is created compacted with one partition when it does not exist; versions always go to
/// its partition 0, so they stay in order even on a topic the cluster created with more.
/// </summary>
public sealed class ModelPublisher : IDisposable
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);

    private readonly IProducer<string, byte[]> _producer;
    private readonly ModelTopicOptions _options;
    private readonly ILogger _logger;

    public ModelPublisher(KafkaOptions kafka, string bootstrapServers, ILogger logger)
    {
        _options = kafka.Models;
        _logger = logger;
        var config = KafkaClientConfig.Producer(kafka, bootstrapServers);
        config.MessageTimeoutMs = (int)DeliveryTimeout.TotalMilliseconds;
        config.LingerMs = 0;
        config.MessageMaxBytes = Math.Max(1_000_000, _options.ChunkBytes + 64 * 1024);
        EnsureTopic(kafka, bootstrapServers);
        _producer = new ProducerBuilder<string, byte[]>(config)
            .SetLogHandler((_, log) => logger.LogDebug("librdkafka {Facility}: {Message}", log.Facility, log.Message))
            .SetErrorHandler((_, error) => logger.LogWarning("model topic {Topic}: {Code} {Reason}", _options.Topic, error.Code, error.Reason))
            .Build();
    }

    /// <summary>Publishes <paramref name="checkpoint"/> as <paramref name="version"/>; throws <see cref="KafkaException"/> when a message is not delivered in time.</summary>
    public async Task<ModelManifest> PublishAsync(long version, byte[] checkpoint, CancellationToken cancellationToken)
    {
        var chunks = (int)Math.Ceiling(checkpoint.Length / (double)_options.ChunkBytes);
        var headers = new Headers { { ModelManifest.VersionHeader, System.Text.Encoding.ASCII.GetBytes(version.ToString(CultureInfo.InvariantCulture)) } };
        for (var i = 0; i < chunks; i++)
        {
            var start = i * _options.ChunkBytes;
            var value = checkpoint.AsSpan(start, Math.Min(_options.ChunkBytes, checkpoint.Length - start)).ToArray();
            await _producer.ProduceAsync(Partition, new Message<string, byte[]> { Key = ModelManifest.ChunkKey(i), Value = value, Headers = headers }, cancellationToken).ConfigureAwait(false);
        }

        var manifest = new ModelManifest(version, chunks, checkpoint.Length, Convert.ToHexStringLower(SHA256.HashData(checkpoint)), DateTimeOffset.UtcNow);
        await _producer.ProduceAsync(Partition, new Message<string, byte[]> { Key = ModelManifest.Key, Value = manifest.ToJson() }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("published model version {Version} to {Topic}: {Bytes} bytes in {Chunks} chunks, sha256 {Sha}", version, _options.Topic, checkpoint.Length, chunks, manifest.Sha256[..12]);
        return manifest;
    }

    /// <summary>Partition 0 always: a topic a reader's metadata request created with more partitions keeps versions in order too.</summary>
    private TopicPartition Partition => new(_options.Topic, 0);

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }

    /// <summary>Creates the topic compacted, with one partition; one that exists is used as it is.</summary>
    private void EnsureTopic(KafkaOptions kafka, string bootstrapServers)
    {
        using var admin = new AdminClientBuilder(KafkaClientConfig.Admin(kafka, bootstrapServers)).Build();
        var spec = new TopicSpecification
        {
            Name = _options.Topic,
            NumPartitions = 1,
            Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" },
        };
        try
        {
            var existing = admin.GetMetadata(_options.Topic, TimeSpan.FromSeconds(10)).Topics.FirstOrDefault(t => t.Topic == _options.Topic);
            if (existing is { Error.Code: ErrorCode.NoError, Partitions.Count: > 0 })
            {
                return;
            }
        }
        catch (KafkaException)
        {
            // Not known yet: create it below.
        }

        try
        {
            admin.CreateTopicsAsync([spec], new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(15) }).GetAwaiter().GetResult();
            _logger.LogInformation("created the model topic {Topic} (compacted, one partition)", _options.Topic);
        }
        catch (CreateTopicsException ex) when (ex.Results.All(r => r.Error.Code is ErrorCode.TopicAlreadyExists or ErrorCode.NoError))
        {
        }
        catch (KafkaException ex)
        {
            // The cluster may create it on first use; say what could not be done and go on.
            _logger.LogWarning("could not create the model topic {Topic} as compacted ({Reason}); publishing to it as the cluster has it", _options.Topic, ex.Message);
        }
    }
}
