namespace StreamJepa.Core.Results;

/// <summary>A frame that was never scored: dropped because the pipeline was behind, or undecodable.</summary>
public sealed record FrameGap(string Stream, long Frame, FrameGapReason Reason);

public enum FrameGapReason
{
    Dropped,
    Damaged,
}
