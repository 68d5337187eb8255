namespace StreamJepa.Core.Frames;

/// <summary>Shape of a preprocessed model input, stored channel-major (C, H, W).</summary>
public readonly record struct FrameShape(int Channels, int Height, int Width)
{
    public int Length => Channels * Height * Width;

    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
