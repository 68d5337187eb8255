using Confluent.Kafka;

namespace StreamJepa.Kafka.Outbox;

/// <summary>A message waiting for delivery: its topic, the Kafka message, where it came from, and how far it got.</summary>
internal sealed class OutboxItem(string topic, Message<string, byte[]> message)
{
    public const int Waiting = 0;
    public const int InFlight = 1;
    public const int Delivered = 2;
    public const int Rejected = 3;

    private int _state;

    public string Topic { get; } = topic;

    public Message<string, byte[]> Message { get; } = message;

    /// <summary>Order of acceptance within its outbox.</summary>
    public long Sequence { get; set; }

    /// <summary>The journal segment it was read from, if it was spooled.</summary>
    public JournalSegment? Segment { get; set; }

    public int State => Volatile.Read(ref _state);

    public void MarkInFlight() => Volatile.Write(ref _state, InFlight);

    /// <summary>Moves an in-flight message to <paramref name="final"/>; false if it was not in flight.</summary>
    public bool Settle(int final) => Interlocked.CompareExchange(ref _state, final, InFlight) == InFlight;

    public void Reset() => Volatile.Write(ref _state, Waiting);
}
