using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamJepa.Kafka.Configuration;

namespace StreamJepa.Kafka.Models;

/// <summary>
/// Reads the model topic from its start (every reader sees every version: no consumer group, nothing committed):
/// <see cref="CatchUp"/> reads to the end and returns the newest whole version, <see cref="Follow"/> goes on reading on
/// a thread of its own and hands over each version as it is published. A damaged or incomplete version is logged
/// with the reason and skipped; the reader goes on.
/// </summary>
public sealed class ModelFollower : IDisposable
{
    private readonly IConsumer<string, byte[]> _consumer;
    private readonly ModelAssembler _assembler = new();
    private readonly string _topic;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;
    private bool _assigned;
    private int _disposed;

    public ModelFollower(KafkaOptions kafka, string bootstrapServers, ILogger logger)
    {
        _topic = kafka.Models.Topic;
        _logger = logger;
        var config = KafkaClientConfig.Consumer(kafka, bootstrapServers, $"streamjepa-model-reader-{Guid.NewGuid():N}");
        config.EnableAutoCommit = false;
        config.EnablePartitionEof = true;
        config.FetchMaxBytes = Math.Max(config.FetchMaxBytes ?? 52_428_800, kafka.Models.ChunkBytes * 4);
        config.MaxPartitionFetchBytes = Math.Max(config.MaxPartitionFetchBytes ?? 1_048_576, kafka.Models.ChunkBytes * 2);
        _consumer = new ConsumerBuilder<string, byte[]>(config)
            .SetLogHandler((_, log) => logger.LogDebug("librdkafka {Facility}: {Message}", log.Facility, log.Message))
            .SetErrorHandler((_, error) => logger.LogDebug("model topic {Topic}: {Code} {Reason}", _topic, error.Code, error.Reason))
            .Build();
    }

    /// <summary>Versions refused (damaged, incomplete, or by the receiver), for tests and logs.</summary>
    public int Refused { get; private set; }

    /// <summary>
    /// Reads the topic up to its end (or for <paramref name="timeout"/>) and returns the newest whole version on it;
    /// null when none was published (or the topic does not exist yet).
    /// </summary>
    public PublishedModel? CatchUp(TimeSpan timeout)
    {
        PublishedModel? newest = null;
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var (model, atEnd) = Next(TimeSpan.FromMilliseconds(200));
            newest = model ?? newest;
            if (atEnd)
            {
                return newest;
            }
        }

        _logger.LogWarning("model topic {Topic}: not read to its end in {Seconds} s; starting from {What}", _topic, timeout.TotalSeconds, newest is null ? "the configured model" : $"version {newest.Version}");
        return newest;
    }

    /// <summary>
    /// Hands each version published from now on to <paramref name="onModel"/>, on the follower's thread, which returns
    /// null when it takes the version or why it refuses it (logged).
    /// </summary>
    public void Follow(Func<PublishedModel, string?> onModel)
    {
        _thread = new Thread(() =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    if (Next(TimeSpan.FromMilliseconds(250)).Model is { } model && onModel(model) is { } refusal)
                    {
                        Refused++;
                        _logger.LogWarning("model topic {Topic}: refused model version {Version}: {Reason}; serving goes on with the model it has", _topic, model.Version, refusal);
                    }
                }
                catch (KafkaException ex)
                {
                    _logger.LogWarning("model topic {Topic}: {Reason}; reading again in 1 s", _topic, ex.Error.Reason);
                    _stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException && !_stop.IsCancellationRequested)
                {
                    // A version the receiver failed on must not end the process (this is a thread of its own): serving
                    // goes on with the model it has, and the follower waits for the next version.
                    Refused++;
                    _logger.LogError(ex, "model topic {Topic}: taking a version failed: {Reason}; serving goes on with the model it has", _topic, ex.Message);
                }
            }
        })
        { IsBackground = true, Name = "model-follower" };
        _thread.Start();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stop.Cancel();
        _thread?.Join();
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }

    /// <summary>One message: the version it completes, if any, and whether the end of the topic was reached.</summary>
    private (PublishedModel? Model, bool AtEnd) Next(TimeSpan wait)
    {
        if (!_assigned)
        {
            _consumer.Assign(new TopicPartitionOffset(_topic, 0, Offset.Beginning));
            _assigned = true;
        }

        ConsumeResult<string, byte[]>? result;
        try
        {
            result = _consumer.Consume(wait);
        }
        catch (ConsumeException ex) when (ex.Error.Code is ErrorCode.UnknownTopicOrPart or ErrorCode.Local_UnknownTopic or ErrorCode.Local_UnknownPartition)
        {
            // Nothing published yet: the topic appears with the first version.
            _stop.Token.WaitHandle.WaitOne(wait);
            return (null, true);
        }

        if (result is null)
        {
            return (null, false);
        }

        if (result.IsPartitionEOF)
        {
            return (null, true);
        }

        var header = result.Message.Headers?.FirstOrDefault(h => h.Key == ModelManifest.VersionHeader);
        long? version = header is not null && long.TryParse(System.Text.Encoding.ASCII.GetString(header.GetValueBytes()), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        var (model, problem) = _assembler.Add(result.Message.Key, version, result.Message.Value ?? []);
        if (problem is not null)
        {
            Refused++;
            _logger.LogWarning("model topic {Topic} offset {Offset}: {Problem}; skipped", _topic, result.Offset.Value, problem);
        }

        return (model, false);
    }
}
