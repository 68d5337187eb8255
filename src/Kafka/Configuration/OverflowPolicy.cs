namespace StreamJepa.Kafka.Configuration;

/// <summary>What a publisher does with a new message when its queue in memory is full.</summary>
public enum OverflowPolicy
{
    /// <summary>Write it to the journal on disk; it is delivered in order when the broker is back.</summary>
    Spool,

    /// <summary>Drop the oldest queued message and count the drop.</summary>
    DropOldest,
}
