namespace StreamJepa.Core.Results;

/// <summary>A rectangle in the source picture, in pixels of the decoded frame (origin top left).</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width.</param>
/// <param name="Height">Height.</param>
public sealed record PixelBox(int X, int Y, int Width, int Height);
