using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using StreamJepa.Core.Configuration;
using StreamJepa.Kafka.Configuration;
using StreamJepa.Kafka.Outbox;

namespace StreamJepa.Kafka;

/// <summary>
/// One long-lived idempotent producer (acks=all) fed by a sender thread from one outbox per channel. Messages are
/// accepted without blocking; while the broker is away they wait in memory and then in the journal, and the
/// "kafka-broker" circuit breaker stops handing more to the producer. On shutdown what is in flight gets
/// <see cref="KafkaOptions.FlushTimeoutSeconds"/> to be delivered and the rest goes to the journal, which the next
/// start sends first.
/// </summary>
public sealed class KafkaPublisher : IAsyncDisposable
{
    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(20);
    private const int BatchSize = 512;
    private readonly KafkaOptions _options;
    private readonly string _bootstrapServers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<PublishChannel, MessageOutbox> _outboxes = [];
    private readonly MessageOutbox[] _sendOrder;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly ResiliencePipeline _pipeline;
    private readonly AutoResetEvent _wake = new(false);
    private readonly Lock _send = new();
    private readonly List<OutboxItem> _batch = new(BatchSize);
    private readonly Thread _sender;
    private readonly FileStream _journalLock;
    private IProducer<string, byte[]> _producer;
    private volatile bool _brokerDown;
    private volatile bool _stopping;
    private volatile bool _senderIdle;
    private volatile Error? _fatal;
    private long _fatalErrors;
    private string? _lastError;
    private DateTimeOffset _stopDeadline;
    private bool _disposed;

    /// <param name="options">The kafka section.</param>
    /// <param name="bootstrapServers">The brokers (the embedded one's address when none is configured).</param>
    /// <param name="time">Clock of the circuit breaker and the flush limit.</param>
    /// <param name="logger">State changes, failures, shutdown accounting.</param>
    /// <param name="channels">What it carries: results (the default) or, at the edge, frames.</param>
    public KafkaPublisher(KafkaOptions options, string bootstrapServers, TimeProvider time, ILogger logger, IReadOnlyList<PublishChannel>? channels = null)
    {
        _options = options;
        _bootstrapServers = bootstrapServers;
        _time = time;
        _logger = logger;
        _journalLock = LockJournal(options.JournalDirectory);
        foreach (var channel in channels ?? [PublishChannel.Anomalies, PublishChannel.Scores, PublishChannel.Embeddings])
        {
            Add(channel, channel switch
            {
                PublishChannel.Anomalies => options.Anomalies,
                PublishChannel.Scores => options.Scores,
                PublishChannel.Embeddings => options.Embeddings,
                _ => options.Frames,
            });
        }

        _sendOrder = [.. _outboxes.Values];
        _pipeline = BrokerPipeline.Build(options.Breaker, _circuit, time, logger);
        var config = KafkaClientConfig.Producer(options, bootstrapServers);
        _logger.LogInformation("kafka producer: {Settings}", KafkaClientConfig.Describe(config, options));
        _producer = BuildProducer(config);
        foreach (var outbox in _sendOrder.Where(o => o.Stats().Journaled > 0))
        {
            _logger.LogInformation("kafka {Channel}: {Count} messages from the journal go first", outbox.Name, outbox.Stats().Journaled);
        }

        _sender = new Thread(SendLoop) { IsBackground = true, Name = "kafka-sender" };
        _sender.Start();
    }

    public string BootstrapServers => _bootstrapServers;

    /// <summary>The producer now in use (replaced after a fatal error); for tests.</summary>
    internal IProducer<string, byte[]> Producer => _producer;

    /// <summary>Whether the channel is published at all (its topic enabled).</summary>
    public bool Publishes(PublishChannel channel) => _outboxes.ContainsKey(channel);

    /// <summary>Accepts a message for the channel's topic; never blocks. Key: the stream id (one partition per stream).</summary>
    public void Publish(PublishChannel channel, string key, byte[] value, Headers headers)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_outboxes.TryGetValue(channel, out var outbox))
        {
            return;
        }

        // The hot path hands the message to the producer right here, as a plain Produce would; when another
        // thread is handing over, the breaker is not closed or older messages wait, it goes through the outbox.
        if (_fatal is null && !_stopping && !_brokerDown && _circuit.CircuitState == CircuitState.Closed && _send.TryEnter())
        {
            try
            {
                if (outbox.TryAcceptDirect(key, value, headers, _options.MaxInFlight, out var item))
                {
                    if (!Produce(outbox, item))
                    {
                        outbox.PutBack([item]);
                    }

                    return;
                }

                // The breaker is closed and the broker up: the sender thread's hand-overs feed the breaker.
                outbox.Enqueue(key, value, headers);
                HandOver(outbox);
                return;
            }
            finally
            {
                _send.Exit();
            }
        }

        outbox.Enqueue(key, value, headers);
        if (_senderIdle)
        {
            _wake.Set();
        }
    }

    /// <summary>Waits until everything accepted so far was delivered, or <paramref name="limit"/> passed.</summary>
    public async Task<bool> WaitDeliveredAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + limit;
        while (_sendOrder.Sum(o => o.Waiting) > 0)
        {
            if (_time.GetUtcNow() >= deadline)
            {
                return false;
            }

            _wake.Set();
            await Task.Delay(TimeSpan.FromMilliseconds(10), _time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    public PublisherStats Stats() => new(
        [.. _sendOrder.Select(o => o.Stats())],
        _circuit.CircuitState.ToString(),
        _brokerDown,
        Interlocked.Read(ref _fatalErrors),
        Volatile.Read(ref _lastError));

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var limit = TimeSpan.FromSeconds(_options.FlushTimeoutSeconds);
        _stopDeadline = _time.GetUtcNow() + limit;
        _stopping = true;
        _wake.Set();
        await Task.Run(_sender.Join).ConfigureAwait(false);
        var left = _stopDeadline - _time.GetUtcNow();
        var undelivered = _producer.Flush(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        _producer.Dispose();
        foreach (var outbox in _sendOrder)
        {
            var kept = outbox.Persist();
            var stats = outbox.Stats();
            _logger.LogInformation(
                "kafka {Channel}: {Delivered} delivered, {Dropped} dropped, {Rejected} rejected, {Kept} kept in the journal for the next start",
                outbox.Name, stats.Delivered, stats.Dropped, stats.Rejected, kept);
            outbox.Dispose();
        }

        if (undelivered > 0)
        {
            _logger.LogWarning("kafka: {Count} messages were not acknowledged within {Seconds}s of shutdown", undelivered, limit.TotalSeconds);
        }

        _wake.Dispose();
        _journalLock.Dispose();
    }

    /// <summary>Messages journaled in <paramref name="directory"/> that a publisher started on it would send first.</summary>
    public static long JournaledIn(string directory) => Journal.RecordsIn(directory);

    /// <summary>One publisher per journal directory: two would interleave their segments.</summary>
    private static FileStream LockJournal(string directory)
    {
        Directory.CreateDirectory(directory);
        try
        {
            return new FileStream(Path.Combine(directory, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new ConfigException([new ConfigError("kafka.journalDirectory", directory, $"is in use by another StreamJepa publisher ({ex.Message}); give each process its own")]);
        }
    }

    private void Add(PublishChannel channel, TopicOptions topic)
    {
        if (topic.Enabled)
        {
            _outboxes.Add(channel, new MessageOutbox(channel.ToString().ToLowerInvariant(), topic, _options.JournalDirectory));
        }
    }

    private IProducer<string, byte[]> BuildProducer(ProducerConfig config) =>
        new ProducerBuilder<string, byte[]>(config)
            .SetErrorHandler(OnError)
            .SetLogHandler((_, log) => _logger.LogDebug("librdkafka {Facility}: {Message}", log.Facility, log.Message))
            .Build();

    private void SendLoop()
    {
        while (true)
        {
            _senderIdle = true;
            _wake.WaitOne(IdleWait);
            _senderIdle = false;
            if (_stopping && (!_sendOrder.Any(o => o.HasWork) || _time.GetUtcNow() >= _stopDeadline))
            {
                return;
            }

            lock (_send)
            {
                if (_fatal is not null)
                {
                    Recreate();
                }

                Send();
            }
        }
    }

    /// <summary>One hand-over through the circuit breaker; the caller holds the send lock.</summary>
    private void Send()
    {
        try
        {
            _pipeline.Execute(static publisher => publisher.HandOver(), this);
        }
        catch (BrokenCircuitException)
        {
            // Open: messages wait in the outboxes until the breaker lets one trial through.
        }
        catch (BrokerUnavailableException)
        {
            // Counted by the breaker; the messages in flight stay with the producer, which keeps retrying them.
        }
    }

    private void HandOver()
    {
        if (_brokerDown && _sendOrder.Any(o => o.InFlight > 0))
        {
            throw new BrokerUnavailableException($"all brokers are down; {_sendOrder.Sum(o => o.InFlight)} messages wait for acknowledgement");
        }

        foreach (var outbox in _sendOrder)
        {
            if (!HandOver(outbox))
            {
                return;
            }
        }
    }

    /// <summary>Hands the outbox's waiting messages to the producer; false when the producer would take no more.</summary>
    private bool HandOver(MessageOutbox outbox)
    {
        while (true)
        {
            _batch.Clear();
            outbox.TakeBatch(_options.MaxInFlight, BatchSize, _batch);
            if (_batch.Count == 0)
            {
                return true;
            }

            for (var i = 0; i < _batch.Count; i++)
            {
                if (!Produce(outbox, _batch[i]))
                {
                    outbox.PutBack(_batch.Skip(i));
                    return false;
                }
            }
        }
    }

    private bool Produce(MessageOutbox outbox, OutboxItem item)
    {
        outbox.Sending(item);
        try
        {
            _producer.Produce(item.Topic, item.Message, report => OnDelivery(outbox, item, report));
            outbox.Sent(item);
            return true;
        }
        catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
        {
            outbox.NotSent(item);
            return false;
        }
        catch (KafkaException ex) when (IsFatal(ex.Error) || _fatal is not null)
        {
            // The producer is dead (its fatal error may be reported a moment later): keep the message for the
            // producer that replaces it.
            outbox.NotSent(item);
            _fatal ??= ex.Error;
            return false;
        }
        catch (KafkaException ex)
        {
            outbox.Sent(item);
            outbox.Rejected(item);
            Remember($"{outbox.Name}: message for {item.Message.Key} refused: {ex.Error.Reason}");
            _logger.LogError("kafka {Channel}: message for stream {Stream} refused and dropped: {Reason}", outbox.Name, item.Message.Key, ex.Error.Reason);
            return true;
        }
    }

    private void OnDelivery(MessageOutbox outbox, OutboxItem item, DeliveryReport<string, byte[]> report)
    {
        var error = report.Error;
        if (!error.IsError)
        {
            outbox.Delivered(item);
            if (_brokerDown)
            {
                _brokerDown = false;
                _logger.LogInformation("kafka: the broker acknowledges messages again");
            }

            return;
        }

        switch (error.Code)
        {
            case ErrorCode.Local_PurgeQueue or ErrorCode.Local_PurgeInflight or ErrorCode.Local_Destroy:
                return; // stays in flight; persisted to the journal at shutdown
            default:
                if (IsFatal(error) || _fatal is not null)
                {
                    _fatal ??= error;
                    return; // stays in flight: the producer that replaces this one sends it again
                }

                outbox.Rejected(item);
                Remember($"{outbox.Name}: {error.Code}: {error.Reason}");
                _logger.LogError("kafka {Channel}: message for stream {Stream} rejected by the broker and dropped: {Code} {Reason}", outbox.Name, item.Message.Key, error.Code, error.Reason);
                return;
        }
    }

    private void OnError(IProducer<string, byte[]> producer, Error error)
    {
        if (error.IsFatal)
        {
            _fatal = error;
            Remember($"fatal: {error.Code}: {error.Reason}");
            _logger.LogCritical("kafka producer fatal error {Code}: {Reason}", error.Code, error.Reason);
        }
        else if (error.Code == ErrorCode.Local_AllBrokersDown)
        {
            if (!_brokerDown)
            {
                _logger.LogWarning("kafka: all brokers are down ({Reason}); messages wait in the outboxes", error.Reason);
            }

            _brokerDown = true;
            Remember(error.Reason);
        }
        else
        {
            _logger.LogDebug("kafka: {Code} {Reason}", error.Code, error.Reason);
        }
    }

    /// <summary>
    /// A fatal error leaves the producer unusable: a new one takes over and re-sends what was in flight. The caller
    /// holds the send lock.
    /// </summary>
    private void Recreate()
    {
        var error = _fatal;
        Interlocked.Increment(ref _fatalErrors);
        _logger.LogError("kafka: replacing the producer after fatal error {Code} ({Reason}); messages in flight are sent again", error?.Code, error?.Reason);
        _producer.Dispose();
        foreach (var outbox in _sendOrder)
        {
            outbox.RequeueInFlight();
        }

        _fatal = null;
        _producer = BuildProducer(KafkaClientConfig.Producer(_options, _bootstrapServers));
    }

    /// <summary>
    /// A fatal error, or a message failed because of one: librdkafka fails what the dead producer held with
    /// Local_Fatal, whose delivery report does not carry the fatal flag and may come before the error callback, and a
    /// produce call on it can fail with the idempotence error that killed it, unflagged, also before the callback
    /// (seen once: the message was dropped as refused). With idempotence on, those errors are always fatal.
    /// </summary>
    private static bool IsFatal(Error error) =>
        error.IsFatal || error.Code is ErrorCode.Local_Fatal or ErrorCode.OutOfOrderSequenceNumber or ErrorCode.UnknownProducerId
            or ErrorCode.InvalidProducerEpoch or ErrorCode.InvalidProducerIdMapping;

    private void Remember(string? error) => Volatile.Write(ref _lastError, error);
}
