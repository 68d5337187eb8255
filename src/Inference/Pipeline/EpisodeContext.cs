using StreamJepa.Core.Results;

namespace StreamJepa.Inference.Pipeline;

/// <summary>What a run knows about its episodes beyond the frames: where each stream comes from, which checkpoint it loaded, and where the evidence of an episode is kept.</summary>
/// <param name="SourceOf">The source of a stream id as it may be published (credentials redacted), or null when unknown.</param>
/// <param name="CheckpointSha256">SHA-256 (hex) of the checkpoint file the run loaded, or null without one.</param>
/// <param name="EvidenceOf">The files kept for an episode, or null when none are (no evidence directory, a stream without source pictures).</param>
public sealed record EpisodeContext(Func<string, string?> SourceOf, string? CheckpointSha256, Func<AnomalyEpisode, EpisodeEvidence?>? EvidenceOf = null);
