namespace StreamJepa.Evaluation.DevSet;

/// <summary>
/// One anomaly injected into a normal clip of <c>baseFrames</c> frames, starting at output frame
/// <see cref="Start"/> and lasting <see cref="Length"/> output frames. The temporal kinds are made by choosing which
/// source frame each output frame shows (so nothing in the picture jumps); the others by drawing on the frames.
/// </summary>
public sealed record Injection(InjectionKind Kind, int Start, int Length)
{
    /// <summary>Source frames per output frame inside a <see cref="InjectionKind.WrongSpeed"/> anomaly.</summary>
    public const int SpeedFactor = 4;

    /// <summary>The anomalous output frames.</summary>
    public FrameRange Range => new(Start, Start + Length, Kind.ToString());

    /// <summary>
    /// The source frame behind each output frame, one source frame apart except inside the anomaly. Wrong direction:
    /// forward to <see cref="Start"/>, back for <see cref="Length"/> frames, then forward again from there. Wrong speed:
    /// <see cref="SpeedFactor"/> source frames per output frame inside the anomaly. Stopped time: the frame before <see cref="Start"/>, <see cref="Length"/> times more.
    /// </summary>
    public IReadOnlyList<int> Schedule(int baseFrames)
    {
        var needed = Kind switch
        {
            InjectionKind.WrongSpeed => Start + (Length * SpeedFactor) + 1,
            _ => Start + 1,
        };
        if (Start <= Length || Length < 1 || needed > baseFrames)
        {
            throw new ArgumentException($"{Kind} at frame {Start} for {Length} frames does not fit a clip of {baseFrames} frames (needs start > length and {needed} frames)");
        }

        var frames = Enumerable.Range(0, Start).ToList();
        switch (Kind)
        {
            case InjectionKind.WrongDirection:
                frames.AddRange(Enumerable.Range(0, Length).Select(k => Start - 2 - k));
                frames.AddRange(Enumerable.Range(Start - Length, baseFrames - (Start - Length)));
                break;
            case InjectionKind.WrongSpeed:
                frames.AddRange(Enumerable.Range(1, Length).Select(k => Start - 1 + (k * SpeedFactor)));
                frames.AddRange(Enumerable.Range(Start + (Length * SpeedFactor), baseFrames - (Start + (Length * SpeedFactor))));
                break;
            case InjectionKind.StoppedTime:
                frames.AddRange(Enumerable.Repeat(Start - 1, Length));
                frames.AddRange(Enumerable.Range(Start, baseFrames - Start));
                break;
            default:
                frames.AddRange(Enumerable.Range(Start, baseFrames - Start));
                break;
        }

        return frames;
    }
}
