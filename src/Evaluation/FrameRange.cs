namespace StreamJepa.Evaluation;

/// <summary>Frames <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive), 0-based in the video.</summary>
public sealed record FrameRange(long Start, long End, string? Kind = null)
{
    public bool Contains(long frame) => frame >= Start && frame < End;
}
