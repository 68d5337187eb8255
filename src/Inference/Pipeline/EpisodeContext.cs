namespace StreamJepa.Inference.Pipeline;

/// <summary>What a run knows about its episodes beyond the frames: where each stream comes from, and which checkpoint it loaded.</summary>
/// <param name="SourceOf">The source of a stream id as it may be published (credentials redacted), or null when unknown.</param>
/// <param name="CheckpointSha256">SHA-256 (hex) of the checkpoint file the run loaded, or null without one.</param>
public sealed record EpisodeContext(Func<string, string?> SourceOf, string? CheckpointSha256);
