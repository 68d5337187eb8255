using Confluent.Kafka;
using StreamJepa.Kafka.Configuration;

namespace StreamJepa.Kafka.Outbox;

/// <summary>
/// The messages of one kind waiting for the broker, in the order they were accepted: a bounded queue in memory,
/// then (policy spool) a journal on disk once the queue is full, or (policy dropOldest) the oldest dropped and
/// counted. Messages handed to the producer stay listed, in order, until their delivery report, so at shutdown
/// everything undelivered can go back to the journal ahead of the rest.
/// </summary>
/// <remarks>
/// <see cref="Enqueue"/> may be called from any thread. <see cref="TakeBatch"/>, <see cref="Sending"/>, <see cref="Sent"/>,
/// <see cref="PutBack"/> and <see cref="RequeueInFlight"/> belong to whoever hands messages to the producer
/// (one at a time: the publisher's send lock). Delivery reports (<see cref="Delivered"/>, <see cref="Rejected"/>)
/// come from the producer's thread and only flip the message's state, without a lock.
/// </remarks>
internal sealed class MessageOutbox : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TopicOptions _options;
    private readonly Journal? _journal;
    private readonly Queue<OutboxItem> _memory = new();
    private readonly Stack<OutboxItem> _returned = new();
    private readonly Queue<OutboxItem> _sent = new();
    private long _sequence;
    private long _accepted;
    private long _inFlight;
    private long _delivered;
    private long _dropped;
    private long _rejected;

    public MessageOutbox(string name, TopicOptions options, string journalDirectory)
    {
        Name = name;
        _options = options;
        _journal = options.Overflow == OverflowPolicy.Spool
            ? new Journal(journalDirectory, name, syncEachAppend: options.QueueCapacity == 0)
            : null;
    }

    public string Name { get; }

    public string Topic => _options.Topic;

    /// <summary>True when something is waiting to be handed to the producer.</summary>
    public bool HasWork
    {
        get
        {
            lock (_gate)
            {
                return _returned.Count > 0 || _memory.Count > 0 || _journal is { Pending: > 0 };
            }
        }
    }

    /// <summary>Handed to the producer and not yet acknowledged.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Accepts a message; never blocks and never loses it under policy spool.</summary>
    public void Enqueue(string key, byte[] value, Headers headers)
    {
        var item = new OutboxItem(_options.Topic, new Message<string, byte[]> { Key = key, Value = value, Headers = headers });
        lock (_gate)
        {
            _accepted++;
            item.Sequence = ++_sequence;
            var full = _memory.Count >= _options.QueueCapacity;
            if (_journal is not null && (full || _journal.Pending > 0))
            {
                _journal.Append(item);
                return;
            }

            if (full)
            {
                _memory.Dequeue();
                _dropped++;
            }

            _memory.Enqueue(item);
        }
    }

    /// <summary>
    /// Accepts a message to be handed to the producer at once, when nothing older is waiting, fewer than
    /// <paramref name="maxInFlight"/> are in flight and the outbox does not write ahead (queueCapacity 0: every
    /// message goes to the journal first) — the hot path, without queueing. The caller holds the send lock and
    /// calls <see cref="Sending"/>, then <see cref="Sent"/> or <see cref="PutBack"/>.
    /// </summary>
    public bool TryAcceptDirect(string key, byte[] value, Headers headers, int maxInFlight, out OutboxItem item)
    {
        lock (_gate)
        {
            if (_options.QueueCapacity == 0 || _returned.Count > 0 || _memory.Count > 0 || _journal is { Pending: > 0 } || InFlight >= maxInFlight)
            {
                item = null!;
                return false;
            }

            ForgetSettled();
            _accepted++;
            item = new OutboxItem(_options.Topic, new Message<string, byte[]> { Key = key, Value = value, Headers = headers })
            {
                Sequence = ++_sequence,
            };
            return true;
        }
    }

    /// <summary>
    /// Moves up to <paramref name="maxInFlight"/> minus what is in flight of the oldest waiting messages into
    /// <paramref name="batch"/>, and forgets settled messages at the head of the sent list.
    /// </summary>
    public void TakeBatch(int maxInFlight, int most, List<OutboxItem> batch)
    {
        var room = (int)Math.Min(most, maxInFlight - InFlight);
        lock (_gate)
        {
            ForgetSettled();
            while (batch.Count < room
                && (_returned.TryPop(out var item) || _memory.TryDequeue(out item) || (_journal?.TryRead(out item) ?? false)))
            {
                if (item.Sequence == 0)
                {
                    item.Sequence = ++_sequence;
                }

                batch.Add(item);
            }
        }
    }

    /// <summary>About to hand it to the producer: in flight from now on, so a quick delivery report finds it so.</summary>
    public void Sending(OutboxItem item)
    {
        item.MarkInFlight();
        Interlocked.Increment(ref _inFlight);
    }

    /// <summary>The producer took it: listed until it is settled.</summary>
    public void Sent(OutboxItem item) => _sent.Enqueue(item);

    /// <summary>The producer did not take it after all.</summary>
    public void NotSent(OutboxItem item)
    {
        if (item.Settle(OutboxItem.Waiting))
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>The producer would not take these now: back to the front, in order.</summary>
    public void PutBack(IEnumerable<OutboxItem> items)
    {
        lock (_gate)
        {
            foreach (var item in items.Reverse())
            {
                _returned.Push(item);
            }
        }
    }

    public void Delivered(OutboxItem item)
    {
        if (item.Settle(OutboxItem.Delivered))
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Increment(ref _delivered);
        }
    }

    /// <summary>The broker refused it for good (too large, not authorised): counted and let go.</summary>
    public void Rejected(OutboxItem item)
    {
        if (item.Settle(OutboxItem.Rejected))
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Increment(ref _rejected);
        }
    }

    /// <summary>Puts everything in flight back at the front, oldest first (the producer that held it is gone).</summary>
    public void RequeueInFlight() => PutBack(TakeUnsettled());

    /// <summary>
    /// At shutdown, after the producer is gone: writes everything undelivered (in flight, returned, queued) to the
    /// journal ahead of what it already holds, or counts it dropped under policy dropOldest. Returns how many
    /// messages the journal holds.
    /// </summary>
    public long Persist()
    {
        var unsettled = TakeUnsettled();
        lock (_gate)
        {
            ForgetSettled();
            var undelivered = unsettled.Concat(_returned).Concat(_memory).ToList();
            _returned.Clear();
            _memory.Clear();
            if (_journal is null)
            {
                _dropped += undelivered.Count;
                return 0;
            }

            _journal.Prepend(undelivered);
            return _journal.Pending;
        }
    }

    /// <summary>Messages accepted and not yet settled (queued, journaled, in flight), without touching the disk.</summary>
    public long Waiting
    {
        get
        {
            lock (_gate)
            {
                return _memory.Count + _returned.Count + (_journal?.Pending ?? 0) + InFlight;
            }
        }
    }

    public OutboxStats Stats()
    {
        lock (_gate)
        {
            return new OutboxStats(
                Name, _accepted, _memory.Count + _returned.Count, _journal?.Pending ?? 0, InFlight,
                Interlocked.Read(ref _delivered), _dropped, Interlocked.Read(ref _rejected), _journal?.Bytes ?? 0);
        }
    }

    public void Dispose() => _journal?.Dispose();

    /// <summary>Everything sent and not settled, oldest first; the sent list is left with the settled ones only.</summary>
    private List<OutboxItem> TakeUnsettled()
    {
        var unsettled = new List<OutboxItem>();
        var count = _sent.Count;
        for (var i = 0; i < count; i++)
        {
            var item = _sent.Dequeue();
            if (item.Settle(OutboxItem.Waiting))
            {
                Interlocked.Decrement(ref _inFlight);
                unsettled.Add(item);
            }
            else
            {
                _sent.Enqueue(item);
            }
        }

        return unsettled;
    }

    /// <summary>Drops settled messages from the head of the sent list; a spooled one lets its journal segment go.</summary>
    private void ForgetSettled()
    {
        while (_sent.TryPeek(out var head) && head.State is OutboxItem.Delivered or OutboxItem.Rejected)
        {
            _sent.Dequeue();
            if (head.Segment is { } segment)
            {
                _journal?.Delivered(segment);
            }
        }
    }
}
