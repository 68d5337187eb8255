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
    string? Stopped = null);
