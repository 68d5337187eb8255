using Confluent.Kafka;
using StreamJepa.Core.Configuration;

namespace StreamJepa.Publish.Outbox;

/// <summary>
/// The messages of one kind waiting for the broker, in the order they were accepted: a bounded queue in memory,
/// then (policy spool) a journal on disk once the queue is full, or (policy dropOldest) the oldest dropped and
/// counted. Messages handed to the producer stay tracked until their delivery report, so at shutdown everything
/// undelivered can go back to the journal ahead of the rest. Thread-safe.
/// </summary>
internal sealed class MessageOutbox : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TopicOptions _options;
    private readonly Journal? _journal;
    private readonly Queue<OutboxItem> _memory = new();
    private readonly Stack<OutboxItem> _returned = new();
    private readonly Dictionary<long, OutboxItem> _inFlight = [];
    private long _sequence;
    private long _accepted;
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

    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count;
            }
        }
    }

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

    /// <summary>Takes the oldest waiting message and tracks it as in flight, unless <paramref name="maxInFlight"/> are.</summary>
    public bool TryTake(int maxInFlight, out OutboxItem item)
    {
        lock (_gate)
        {
            if (_inFlight.Count >= maxInFlight)
            {
                item = null!;
                return false;
            }

            if (!_returned.TryPop(out item!) && !_memory.TryDequeue(out item!) && !(_journal?.TryRead(out item) ?? false))
            {
                return false;
            }

            if (item.Sequence == 0)
            {
                item.Sequence = ++_sequence;
            }

            _inFlight[item.Sequence] = item;
            return true;
        }
    }

    /// <summary>The producer would not take it now (its queue is full): it goes back to the front.</summary>
    public void Return(OutboxItem item)
    {
        lock (_gate)
        {
            _inFlight.Remove(item.Sequence);
            _returned.Push(item);
        }
    }

    public void Delivered(OutboxItem item)
    {
        lock (_gate)
        {
            if (_inFlight.Remove(item.Sequence))
            {
                _delivered++;
                if (item.Segment is { } segment)
                {
                    _journal?.Delivered(segment);
                }
            }
        }
    }

    /// <summary>The broker refused it for good (too large, not authorised): counted and let go.</summary>
    public void Rejected(OutboxItem item)
    {
        lock (_gate)
        {
            if (_inFlight.Remove(item.Sequence))
            {
                _rejected++;
                if (item.Segment is { } segment)
                {
                    _journal?.Delivered(segment);
                }
            }
        }
    }

    /// <summary>Puts everything in flight back at the front, oldest first (the producer that held it is gone).</summary>
    public void RequeueInFlight()
    {
        lock (_gate)
        {
            foreach (var item in _inFlight.Values.OrderByDescending(i => i.Sequence))
            {
                _returned.Push(item);
            }

            _inFlight.Clear();
        }
    }

    /// <summary>
    /// At shutdown, after the producer is gone: writes everything undelivered (in flight, returned, queued) to the
    /// journal ahead of what it already holds, or counts it dropped under policy dropOldest. Returns how many.
    /// </summary>
    public long Persist()
    {
        lock (_gate)
        {
            var undelivered = _inFlight.Values.OrderBy(i => i.Sequence).Concat(_returned).Concat(_memory).ToList();
            _inFlight.Clear();
            _returned.Clear();
            _memory.Clear();
            if (_journal is null)
            {
                _dropped += undelivered.Count;
                return undelivered.Count;
            }

            _journal.Prepend(undelivered);
            return _journal.Pending;
        }
    }

    public OutboxStats Stats()
    {
        lock (_gate)
        {
            return new OutboxStats(
                Name, _accepted, _memory.Count + _returned.Count, _journal?.Pending ?? 0, _inFlight.Count,
                _delivered, _dropped, _rejected, _journal?.Bytes ?? 0);
        }
    }

    public void Dispose() => _journal?.Dispose();
}
