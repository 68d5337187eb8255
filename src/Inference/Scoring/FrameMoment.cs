namespace StreamJepa.Inference.Scoring;

/// <summary>When a frame was: its index in the source, its presentation time and the UTC wall-clock time it was decoded; and the size of its source picture.</summary>
internal readonly record struct FrameMoment(long Frame, double PtsMs, DateTimeOffset Utc, int SourceWidth = 0, int SourceHeight = 0);

/// <summary>An episode's identity: its number on its stream in this run and its globally unique id.</summary>
internal readonly record struct EpisodeIdentity(long Number, string Id);
