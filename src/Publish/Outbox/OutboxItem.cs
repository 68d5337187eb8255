using Confluent.Kafka;

namespace StreamJepa.Publish.Outbox;

/// <summary>A message waiting for delivery: its topic, the Kafka message, and where it came from.</summary>
internal sealed class OutboxItem(string topic, Message<string, byte[]> message)
{
    public string Topic { get; } = topic;

    public Message<string, byte[]> Message { get; } = message;

    /// <summary>Order of acceptance within its outbox.</summary>
    public long Sequence { get; set; }

    /// <summary>The journal segment it was read from, if it was spooled.</summary>
    public JournalSegment? Segment { get; set; }
}
