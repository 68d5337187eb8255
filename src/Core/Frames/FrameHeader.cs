namespace StreamJepa.Core.Frames;

/// <summary>What is known about one decoded frame, apart from its pixels.</summary>
/// <param name="StreamId">Stable id of the stream the frame came from.</param>
/// <param name="Sequence">0-based index of the frame in its source (damaged frames keep their index).</param>
/// <param name="PtsMs">Presentation time in milliseconds: the container's where known, else a monotonic clock.</param>
/// <param name="PtsFromContainer">True when <paramref name="PtsMs"/> came from the container.</param>
/// <param name="SourceWidth">Width of the decoded frame before preprocessing.</param>
/// <param name="SourceHeight">Height of the decoded frame before preprocessing.</param>
/// <param name="DecodedTimestamp"><see cref="TimeProvider.GetTimestamp"/> when decoding finished (for latency).</param>
public readonly record struct FrameHeader(
    string StreamId,
    long Sequence,
    double PtsMs,
    bool PtsFromContainer,
    int SourceWidth,
    int SourceHeight,
    long DecodedTimestamp);
