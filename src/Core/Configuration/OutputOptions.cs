namespace StreamJepa.Core.Configuration;

/// <summary>Where results go. Each JSONL path is optional; a sink without a path is off.</summary>
public sealed record OutputOptions
{
    /// <summary>One JSON object per frame per stream (scores, per-level energies, anomaly flag).</summary>
    public string? Scores { get; init; }

    /// <summary>Anomaly episodes, one JSON object each time one opens or closes.</summary>
    public string? Episodes { get; init; }

    /// <summary>Embeddings: level-1 pooled vectors per frame and higher-level window vectors.</summary>
    public string? Embeddings { get; init; }
}
