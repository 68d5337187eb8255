using StreamJepa.Training.Health;

namespace StreamJepa.Training.Online;

/// <summary>What the online trainer has done, for live views and metrics; <c>Stopped</c> says why it stopped learning.</summary>
public sealed record OnlineTrainerStats(
    long Steps,
    long Promotions,
    long Rejections,
    long TapDrops,
    int ReplayFrames,
    IReadOnlyList<StepLosses>? LastLosses,
    EmbeddingHealth? LastHealth,
    string? LastRejection,
    string? Stopped = null)
{
    /// <summary>Promotions rolled back because they opened episodes more often than the model they replaced.</summary>
    public long Rollbacks { get; init; }

    /// <summary>Why the last rollback happened.</summary>
    public string? LastRollback { get; init; }

    /// <summary>Whether the trainer learns at idle CPU priority (its frames are live, <see cref="OnlineTrainer.LiveFrames"/>).</summary>
    public bool IdlePriority { get; init; }

    /// <summary>The version the trainer serves: its last promotion, or the model it rolled back to.</summary>
    public long ServedVersion { get; init; }
}
