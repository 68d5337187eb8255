using StreamJepa.Core.Configuration;

namespace StreamJepa.Kafka.Configuration;

/// <summary>
/// One model for the fleet: <c>streamjepa learn</c> publishes each model version it accepts to a compacted topic, and
/// workers that follow it (<see cref="Follow"/>) serve the newest version instead of learning alone.
/// </summary>
public sealed record ModelTopicOptions
{
    /// <summary>The compacted topic the versions go to (one partition: versions stay in order).</summary>
    public string Topic { get; init; } = "streamjepa.models";

    /// <summary><c>run</c>: start from the newest version on the topic and swap to each new one; online learning is then off.</summary>
    public bool Follow { get; init; }

    /// <summary>Consumer group of <c>streamjepa learn</c> on the frames topic (apart from the workers', so it sees every stream).</summary>
    public string LearnerGroup { get; init; } = "streamjepa-learner";

    /// <summary>Bytes of checkpoint per message (Kafka's default message limit is 1 MB).</summary>
    public int ChunkBytes { get; init; } = 512 * 1024;

    /// <summary>Where received versions are written as checkpoint files (the newest few are kept).</summary>
    public string CacheDirectory { get; init; } = "streamjepa-models";

    /// <summary>Seconds a starting worker or learner waits to read the topic to its end for the newest version.</summary>
    public double CatchUpSeconds { get; init; } = 15;

    public void Validate(string key, ConfigErrors errors)
    {
        if (string.IsNullOrWhiteSpace(Topic) || Topic.Length > 249 || Topic.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
        {
            errors.Add($"{key}.topic", Topic, "must be 1-249 characters of a-z, A-Z, 0-9, '.', '_' or '-'");
        }

        if (string.IsNullOrWhiteSpace(LearnerGroup))
        {
            errors.Add($"{key}.learnerGroup", LearnerGroup, "must not be empty");
        }

        if (string.IsNullOrWhiteSpace(CacheDirectory))
        {
            errors.Add($"{key}.cacheDirectory", CacheDirectory, "must be a directory path");
        }

        errors.Range($"{key}.chunkBytes", ChunkBytes, 16 * 1024, 64 * 1024 * 1024);
        errors.Range($"{key}.catchUpSeconds", CatchUpSeconds, 0, 3600);
    }
}
