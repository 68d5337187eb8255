using StreamJepa.Kafka.Outbox;

namespace StreamJepa.Kafka;

/// <summary>A publisher's state: per channel where the messages are, the circuit, and the broker as last seen.</summary>
public sealed record PublisherStats(
    IReadOnlyList<OutboxStats> Channels,
    string Circuit,
    bool BrokerDown,
    long FatalErrors,
    string? LastError)
{
    public long Waiting => Channels.Sum(c => c.Waiting);

    public long Dropped => Channels.Sum(c => c.Dropped);

    public long Delivered => Channels.Sum(c => c.Delivered);
}
