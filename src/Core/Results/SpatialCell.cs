namespace StreamJepa.Core.Results;

/// <summary>A cell of the level-1 energy grid: row and column in the grid, its place in the image, and its energy.</summary>
/// <param name="Row">Grid row (0 at the top).</param>
/// <param name="Column">Grid column (0 at the left).</param>
/// <param name="X">Left edge as a fraction of the image width.</param>
/// <param name="Y">Top edge as a fraction of the image height.</param>
/// <param name="Width">Cell width as a fraction of the image width.</param>
/// <param name="Height">Cell height as a fraction of the image height.</param>
/// <param name="Energy">Token energy of the cell.</param>
public sealed record SpatialCell(int Row, int Column, double X, double Y, double Width, double Height, double Energy);
