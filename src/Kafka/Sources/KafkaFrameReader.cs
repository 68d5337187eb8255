using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using StreamJepa.Core.Frames;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Ingest.Preprocessing;
using StreamJepa.Kafka.Configuration;
using StreamJepa.Kafka.Messages;

namespace StreamJepa.Kafka.Sources;

/// <summary>
/// <c>kafka://TOPIC</c>: frames published by <c>streamjepa ingest</c>, read as a member of the worker consumer group,
/// so Kafka spreads the streams (one partition each, by key) over however many workers run and moves them when one
/// joins or leaves. Each stream appears as a stream of its own. A frame's offset is stored only once its results have
/// been handed to the sinks (<see cref="Acknowledge"/>), and stored offsets are committed: at least once, a worker's
/// crash loses no frame.
/// </summary>
internal sealed class KafkaFrameReader : ISchemeReader
{
    private readonly string _topic;
    private readonly ConsumerConfig _config;
    private readonly IngestOptions _options;
    private readonly FramePool _pool;
    private readonly IFrameEmitter _emitter;
    private readonly Func<string, StreamStats> _streamFor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<TopicPartition, Queue<Pending>> _inFlight = [];
    private readonly Dictionary<(string Stream, long Sequence), Pending> _byFrame = [];
    private readonly ConcurrentQueue<TopicPartitionOffset> _toStore = new();

    public KafkaFrameReader(string topic, KafkaOptions kafka, IngestOptions options, FramePool pool, IFrameEmitter emitter, StreamStats stats, Func<string, StreamStats> streamFor, TimeProvider time, ILogger logger)
    {
        _topic = topic;
        _config = KafkaClientConfig.Consumer(kafka, kafka.BootstrapServers!, kafka.WorkerGroup);
        _config.EnableAutoOffsetStore = false;
        _config.EnableAutoCommit = true;
        _config.AutoCommitIntervalMs = 1000;
        _config.AutoOffsetReset = AutoOffsetReset.Earliest;

        // Quick hand-over when a worker goes: a partition waits for a silent member at most the poll interval (the
        // embedded broker waits that long even after a clean leave). Frames are consumed continuously, so a worker
        // blocks in Consume only while the inference stage applies backpressure, far below it. kafka.properties
        // may set these.
        _config.SessionTimeoutMs ??= 10_000;
        _config.HeartbeatIntervalMs ??= 2_000;
        _config.MaxPollIntervalMs ??= 15_000;
        _options = options;
        _pool = pool;
        _emitter = emitter;
        Stats = stats;
        _streamFor = streamFor;
        _time = time;
        _logger = logger;
    }

    public StreamStats Stats { get; }

    /// <summary>The results of a frame reached the sinks: its offset may be committed.</summary>
    public void Acknowledge(string stream, long sequence)
    {
        lock (_gate)
        {
            if (!_byFrame.Remove((stream, sequence), out var pending))
            {
                return;
            }

            pending.Done = true;
            if (_inFlight.TryGetValue(pending.Partition, out var queue))
            {
                Pending? last = null;
                while (queue.TryPeek(out var head) && head.Done)
                {
                    last = queue.Dequeue();
                }

                if (last is not null)
                {
                    _toStore.Enqueue(new TopicPartitionOffset(last.Partition, last.Offset + 1));
                }
            }
        }
    }

    public void Run(CancellationToken cancellationToken)
    {
        using var preprocessor = new FramePreprocessor(_options);
        using var consumer = new ConsumerBuilder<string, byte[]>(_config)
            .SetLogHandler((_, log) => _logger.LogDebug("librdkafka {Facility}: {Message}", log.Facility, log.Message))
            .SetErrorHandler((_, error) => _logger.LogWarning("kafka source {Topic}: {Code} {Reason}", _topic, error.Code, error.Reason))
            .SetPartitionsAssignedHandler((_, partitions) => _logger.LogInformation("kafka source {Topic}: assigned {Partitions}", _topic, string.Join(",", partitions.Select(p => p.Partition.Value))))
            .SetPartitionsRevokedHandler((c, partitions) => Revoked(c, partitions.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((c, partitions) => Revoked(c, partitions.Select(p => p.TopicPartition)))
            .Build();
        consumer.Subscribe(_topic);
        Stats.SetStatus(StreamStatus.Running);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                StoreAcknowledged(consumer);
                ConsumeResult<string, byte[]>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                }
                catch (ConsumeException ex) when (ex.Error.Code is Confluent.Kafka.ErrorCode.UnknownTopicOrPart or Confluent.Kafka.ErrorCode.Local_UnknownTopic)
                {
                    // The edge may not have created the topic yet: wait for it.
                    Stats.OnError($"kafka source {_topic}: {ex.Error.Reason} (waiting for it)");
                    cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(500));
                    continue;
                }

                if (result is { IsPartitionEOF: false, Message: not null })
                {
                    Handle(result, preprocessor, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (KafkaException ex)
        {
            Stats.OnError($"kafka source {_topic}: {ex.Error.Reason}");
            Stats.SetStatus(StreamStatus.Failed);
            _logger.LogError("kafka source {Topic} failed: {Reason}", _topic, ex.Error.Reason);
            return;
        }
        finally
        {
            _emitter.Complete(CancellationToken.None);
            StoreAcknowledged(consumer);
            consumer.Close();
        }

        Stats.SetStatus(StreamStatus.Stopped);
    }

    private void Handle(ConsumeResult<string, byte[]> result, FramePreprocessor preprocessor, CancellationToken cancellationToken)
    {
        (FrameMessageKind Kind, string Stream, long Sequence, double PtsMs, int SourceWidth, int SourceHeight, ReadOnlyMemory<byte> Jpeg) message;
        try
        {
            message = FrameMessage.Decode(result.Message.Value);
        }
        catch (FormatException ex)
        {
            Stats.OnError($"{result.TopicPartitionOffset}: {ex.Message}");
            _logger.LogWarning("kafka source {Topic}: skipped {Offset}: {Reason}", _topic, result.TopicPartitionOffset, ex.Message);
            Track(result.TopicPartitionOffset, null);
            return;
        }

        var stats = _streamFor(message.Stream);
        var header = new FrameHeader(message.Stream, message.Sequence, message.PtsMs, true, message.SourceWidth, message.SourceHeight, _time.GetTimestamp());
        Track(result.TopicPartitionOffset, (message.Stream, message.Sequence));
        switch (message.Kind)
        {
            case FrameMessageKind.Dropped:
                stats.OnDropped(header);
                return;
            case FrameMessageKind.Damaged:
                stats.OnDamaged(header);
                return;
        }

        using var image = Cv2.ImDecode(message.Jpeg.ToArray(), ImreadModes.Color);
        if (image.Empty())
        {
            stats.OnDamaged(header);
            return;
        }

        var frame = _pool.Rent(header);
        preprocessor.Process(image, frame.Pixels);
        stats.OnFrame(header.DecodedTimestamp);
        stats.SetStatus(StreamStatus.Running);
        _emitter.Emit(frame, cancellationToken);
    }

    /// <summary>Lists a consumed message as in flight; one that yields no frame (undecodable) is done at once.</summary>
    private void Track(TopicPartitionOffset position, (string Stream, long Sequence)? frame)
    {
        lock (_gate)
        {
            if (!_inFlight.TryGetValue(position.TopicPartition, out var queue))
            {
                queue = new Queue<Pending>();
                _inFlight.Add(position.TopicPartition, queue);
            }

            var pending = new Pending(position.TopicPartition, position.Offset.Value) { Done = frame is null };
            queue.Enqueue(pending);
            if (frame is { } key)
            {
                _byFrame[key] = pending;
            }
        }
    }

    private void StoreAcknowledged(IConsumer<string, byte[]> consumer)
    {
        while (_toStore.TryDequeue(out var offset))
        {
            try
            {
                consumer.StoreOffset(offset);
            }
            catch (KafkaException ex) when (ex.Error.Code == Confluent.Kafka.ErrorCode.Local_State)
            {
                // The partition moved to another worker meanwhile: it resumes from the last committed offset.
            }
        }
    }

    /// <summary>Partitions leave this worker: commit what is done; frames still in flight will be read again there.</summary>
    private void Revoked(IConsumer<string, byte[]> consumer, IEnumerable<TopicPartition> partitions)
    {
        StoreAcknowledged(consumer);
        try
        {
            consumer.Commit();
        }
        catch (KafkaException ex)
        {
            _logger.LogDebug("kafka source {Topic}: commit on revoke: {Reason}", _topic, ex.Error.Reason);
        }

        lock (_gate)
        {
            foreach (var partition in partitions)
            {
                _inFlight.Remove(partition);
                foreach (var key in _byFrame.Where(kv => kv.Value.Partition == partition).Select(kv => kv.Key).ToList())
                {
                    _byFrame.Remove(key);
                }
            }
        }

        _logger.LogInformation("kafka source {Topic}: partitions {Partitions} moved away", _topic, string.Join(",", partitions.Select(p => p.Partition.Value)));
    }

    private sealed class Pending(TopicPartition partition, long offset)
    {
        public TopicPartition Partition { get; } = partition;

        public long Offset { get; } = offset;

        public bool Done { get; set; }
    }
}
