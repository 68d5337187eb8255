using StreamJepa.Core.Configuration;

namespace StreamJepa.Ingest.Configuration;

/// <summary>
/// Evidence for every episode: each stream keeps its last seconds of source frames (JPEG, in memory) and, for each
/// episode, a snapshot of the peak frame, the same frame with the energy map and box drawn, and a clip from the
/// pre-roll before the start to the post-roll after the end are written under <see cref="Directory"/>.
/// </summary>
public sealed record EvidenceOptions
{
    /// <summary>Where evidence is written (created when missing); null keeps none.</summary>
    public string? Directory { get; init; }

    /// <summary>Seconds of source frames before an episode's start that its clip begins with.</summary>
    public double PreRollSeconds { get; init; } = 3;

    /// <summary>Seconds of source frames after an episode's end that its clip goes on for.</summary>
    public double PostRollSeconds { get; init; } = 3;

    /// <summary>
    /// Source frames kept per second of video (the clip's frame rate); the others are not kept. Each kept frame is
    /// JPEG-encoded on its stream's reader thread: 2 a second keeps 32 live streams on 2 cores without a dropped frame
    /// (BENCHMARKS.md, "Evidence"); fewer streams can afford more.
    /// </summary>
    public double Fps { get; init; } = 2;

    /// <summary>Frames wider than this are scaled down (keeping the aspect ratio) before they are kept; 0 keeps the source size.</summary>
    public int MaxWidth { get; init; }

    /// <summary>JPEG quality of kept frames and snapshots, 1–100.</summary>
    public int JpegQuality { get; init; } = 85;

    /// <summary>Memory a stream's ring of kept frames may hold, in MiB; beyond it the oldest frames go first.</summary>
    public double StreamMegabytes { get; init; } = 16;

    /// <summary>Longest clip, in seconds; an episode open longer keeps its first and last frames up to this length.</summary>
    public double MaxClipSeconds { get; init; } = 60;

    /// <summary>Episodes waiting to be written; when full, the newest closed episode's evidence is dropped (counted) rather than scoring waiting.</summary>
    public int QueueCapacity { get; init; } = 16;

    /// <summary>Evidence older than this many days is deleted; 0 keeps it however old.</summary>
    public double RetentionDays { get; init; } = 7;

    /// <summary>Total size of the evidence directory, in MiB, beyond which the oldest episodes' evidence is deleted; 0: no limit.</summary>
    public double MaxTotalMegabytes { get; init; } = 2048;

    public bool Enabled => Directory is not null;

    /// <summary>What a stream keeps for the live view alone (no evidence written): one small picture a second.</summary>
    public static EvidenceOptions Thumbnails { get; } = new() { Fps = 1, MaxWidth = 320, PreRollSeconds = 0, StreamMegabytes = 0.5 };

    public void Validate(string key, ConfigErrors errors)
    {
        if (Directory is { Length: 0 })
        {
            errors.Add($"{key}.directory", "\"\"", "give a folder, or leave the key out to keep no evidence");
        }

        errors.Range($"{key}.preRollSeconds", PreRollSeconds, 0, 600);
        errors.Range($"{key}.postRollSeconds", PostRollSeconds, 0, 600);
        errors.Range($"{key}.fps", Fps, 0.1, 120);
        errors.Range($"{key}.maxWidth", MaxWidth, 0, 8192);
        errors.Range($"{key}.jpegQuality", JpegQuality, 1, 100);
        errors.Range($"{key}.streamMegabytes", StreamMegabytes, 0.1, 4096);
        errors.Range($"{key}.maxClipSeconds", MaxClipSeconds, 1, 3600);
        errors.Range($"{key}.queueCapacity", QueueCapacity, 1, 10_000);
        errors.Range($"{key}.retentionDays", RetentionDays, 0, 3650);
        errors.Range($"{key}.maxTotalMegabytes", MaxTotalMegabytes, 0, 16 * 1024 * 1024);
    }
}
