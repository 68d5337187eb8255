namespace StreamJepa.Ingest.Preprocessing;

/// <summary>
/// Where 2×2 supersampling reads: for output pixel x, the source columns at the centres of its left and right
/// quarter-cells (as byte offsets in a BGR row); the same for rows. Recomputed only when the source size changes.
/// </summary>
internal sealed class SupersampleGrid
{
    private readonly int _width;
    private readonly int _height;
    private int _sourceWidth = -1;
    private int _sourceHeight = -1;

    public SupersampleGrid(int width, int height)
    {
        _width = width;
        _height = height;
        Columns = new int[2 * width];
        Rows = new int[2 * height];
    }

    /// <summary>Two byte offsets per output column (3 bytes per source pixel).</summary>
    public int[] Columns { get; }

    /// <summary>Two source row indices per output row.</summary>
    public int[] Rows { get; }

    public void Fit(int sourceWidth, int sourceHeight)
    {
        if (sourceWidth == _sourceWidth && sourceHeight == _sourceHeight)
        {
            return;
        }

        Sample(Columns, _width, sourceWidth, bytesPerStep: 3);
        Sample(Rows, _height, sourceHeight, bytesPerStep: 1);
        _sourceWidth = sourceWidth;
        _sourceHeight = sourceHeight;
    }

    private static void Sample(int[] positions, int outputs, int sources, int bytesPerStep)
    {
        var scale = (double)sources / outputs;
        for (var o = 0; o < outputs; o++)
        {
            for (var k = 0; k < 2; k++)
            {
                var at = (int)Math.Floor((o + 0.25 + (0.5 * k)) * scale);
                positions[(2 * o) + k] = Math.Clamp(at, 0, sources - 1) * bytesPerStep;
            }
        }
    }
}
