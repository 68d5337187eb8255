using StreamJepa.Core.Configuration;

namespace StreamJepa.Kafka.Configuration;

/// <summary>The circuit breaker in front of the broker: when it opens, messages wait in the queue and journal.</summary>
public sealed record BreakerOptions
{
    /// <summary>Share of failed hand-overs in the sampling window that opens the breaker.</summary>
    public double FailureRatio { get; init; } = 0.5;

    public int MinimumThroughput { get; init; } = 2;

    public double SamplingSeconds { get; init; } = 10;

    /// <summary>How long the breaker stays open before one trial hand-over.</summary>
    public double BreakSeconds { get; init; } = 5;

    public void Validate(string key, ConfigErrors errors)
    {
        errors.Range($"{key}.failureRatio", FailureRatio, 0.01, 1);
        errors.Range($"{key}.minimumThroughput", MinimumThroughput, 2, 1_000_000);
        errors.Range($"{key}.samplingSeconds", SamplingSeconds, 0.5, 86_400);
        errors.Range($"{key}.breakSeconds", BreakSeconds, 0.5, 86_400);
    }
}
