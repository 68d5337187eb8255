using System.Text.Json.Serialization;

namespace StreamJepa.Core.Results;

/// <summary>
/// A run of surprising frames on one stream. Published when it opens (<see cref="EndFrame"/> null) and when it closes.
/// </summary>
/// <param name="Stream">Stream id.</param>
/// <param name="Id">Globally unique id of the episode (a UUIDv7, so ids sort by the time they were made), shared by its opened, updated and closed messages and never reused across restarts.</param>
/// <param name="Number">Sequence number of the episode on its stream in this run (1, 2, …).</param>
/// <param name="State">opened or closed.</param>
/// <param name="StartFrame">First frame of the run that opened the episode.</param>
/// <param name="EndFrame">Last frame of the episode (null while open).</param>
/// <param name="StartPtsMs">Presentation time of the first frame.</param>
/// <param name="EndPtsMs">Presentation time of the last frame (null while open).</param>
/// <param name="Frames">Frames in the episode so far.</param>
/// <param name="PeakScore">Highest combined surprise.</param>
/// <param name="Levels">Peak and mean surprise per level.</param>
/// <param name="FiredLevels">Levels whose surprise reached the on-threshold (which timescale was surprised).</param>
/// <param name="TopCells">
/// Where in the image: the highest-energy cells at the peak frame, of the scene level's map when it was the most
/// surprised level there, else of level 1's.
/// </param>
/// <param name="ModelVersion">Version of the weights at the peak frame.</param>
/// <param name="Kind"><see cref="Surprise"/> (the model could not predict what it saw) or <see cref="Frozen"/> (the picture stopped changing).</param>
public sealed record AnomalyEpisode(
    string Stream,
    string Id,
    long Number,
    string State,
    long StartFrame,
    long? EndFrame,
    double StartPtsMs,
    double? EndPtsMs,
    long Frames,
    double PeakScore,
    IReadOnlyList<EpisodeLevel> Levels,
    IReadOnlyList<int> FiredLevels,
    IReadOnlyList<SpatialCell> TopCells,
    long ModelVersion,
    string Kind = AnomalyEpisode.Surprise)
{
    /// <summary>Frame index of the peak (highest combined surprise), or of the last frame of a frozen feed.</summary>
    public long PeakFrame { get; init; }

    /// <summary>UTC wall-clock time the first frame was decoded.</summary>
    public DateTimeOffset StartUtc { get; init; }

    /// <summary>UTC wall-clock time the peak frame was decoded.</summary>
    public DateTimeOffset PeakUtc { get; init; }

    /// <summary>UTC wall-clock time the last frame was decoded (null while open).</summary>
    public DateTimeOffset? EndUtc { get; init; }

    /// <summary>
    /// Where the surprise was at the peak frame, in pixels of the source picture: the region of the energy map (the
    /// scene level's or level 1's, as for <see cref="TopCells"/>) around its highest cell (<see cref="EnergyMap.Region"/>).
    /// Null for a frozen feed, or without an energy map.
    /// </summary>
    public PixelBox? Box { get; init; }

    /// <summary>Width of the source picture the box is in (the decoded peak frame), in pixels.</summary>
    public int? SourceWidth { get; init; }

    /// <summary>Height of the source picture the box is in, in pixels.</summary>
    public int? SourceHeight { get; init; }

    /// <summary>The stream's source (file, URL or device) with any credentials replaced by ***, or null when not known.</summary>
    public string? Source { get; init; }

    /// <summary>SHA-256 (hex) of the checkpoint file the run loaded; with <see cref="ModelVersion"/> it names the weights. Null without a checkpoint.</summary>
    public string? CheckpointSha256 { get; init; }

    /// <summary>The snapshot, annotated snapshot and clip kept for the episode (<c>evidence.directory</c>), or null when none are kept.</summary>
    public EpisodeEvidence? Evidence { get; init; }

    /// <summary>The energy map the cells and box were taken from at the peak frame, for the evidence writer; not published.</summary>
    [JsonIgnore]
    public EnergyMap? PeakMap { get; init; }

    /// <summary>An episode of surprising frames.</summary>
    public const string Surprise = "surprise";

    /// <summary>An episode of a frozen feed: the stream repeats one picture exactly.</summary>
    public const string Frozen = "frozen";
}

/// <summary>Peak and mean surprise of one level over an episode.</summary>
public sealed record EpisodeLevel(int Level, double PeakSurprise, double MeanSurprise);
