using StreamJepa.Core.Configuration;

namespace StreamJepa.Ingest.Configuration;

/// <summary>How a live source (URL, camera) reconnects: jittered exponential backoff.</summary>
public sealed record ReconnectOptions
{
    public int InitialDelayMs { get; init; } = 500;

    public int MaxDelayMs { get; init; } = 30_000;

    /// <summary>Attempts per outage before the source is given up; 0 means never give up.</summary>
    public int MaxAttempts { get; init; }

    public void Validate(string key, ConfigErrors errors)
    {
        errors.Range($"{key}.initialDelayMs", InitialDelayMs, 1, 600_000);
        errors.Range($"{key}.maxDelayMs", MaxDelayMs, 1, 3_600_000);
        errors.Range($"{key}.maxAttempts", MaxAttempts, 0, int.MaxValue);
        if (MaxDelayMs < InitialDelayMs)
        {
            errors.Add($"{key}.maxDelayMs", MaxDelayMs, $"must be at least initialDelayMs ({InitialDelayMs})");
        }
    }
}
