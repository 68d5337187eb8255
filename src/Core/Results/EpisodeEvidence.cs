namespace StreamJepa.Core.Results;

/// <summary>
/// The files kept for an episode, relative to <c>evidence.directory</c> (forward slashes); each is written once the
/// episode has closed and its post-roll has passed, so a consumer of an opened episode may find them missing yet.
/// </summary>
/// <param name="Snapshot">The peak frame as decoded (JPEG).</param>
/// <param name="Annotated">The peak frame with the energy map laid over it and the box drawn (JPEG).</param>
/// <param name="Clip">The frames from the pre-roll before the start to the post-roll after the end (H.264 MP4, or Motion-JPEG AVI where no H.264 encoder is present).</param>
public sealed record EpisodeEvidence(string Snapshot, string Annotated, string Clip);
