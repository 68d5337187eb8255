namespace StreamJepa.Kafka.Outbox;

/// <summary>Where one outbox's messages are: queued in memory, in the journal, in flight, delivered, dropped.</summary>
public sealed record OutboxStats(
    string Name,
    long Accepted,
    long Queued,
    long Journaled,
    long InFlight,
    long Delivered,
    long Dropped,
    long Rejected,
    long JournalBytes)
{
    public long Waiting => Queued + Journaled + InFlight;
}
