namespace StreamJepa.Core.Results;

/// <summary>
/// Token energies of one frame (level 1's at the best latent, or the scene level's): <paramref name="Rows"/> ×
/// <paramref name="Columns"/>, row-major with row 0 at the top, one value per token of the encoder's grid.
/// </summary>
public sealed record EnergyMap(int Rows, int Columns, float[] Energies)
{
    public float this[int row, int column] => Energies[(row * Columns) + column];

    /// <summary>The <paramref name="count"/> cells of highest energy, highest first, placed as fractions of the image.</summary>
    public IReadOnlyList<SpatialCell> Top(int count) =>
        [.. Energies.Select((energy, i) => (energy, i))
            .OrderByDescending(c => c.energy)
            .Take(count)
            .Select(c => Cell(c.i / Columns, c.i % Columns, c.energy))];

    /// <summary>
    /// Where the surprise is, in pixels of a <paramref name="sourceWidth"/> × <paramref name="sourceHeight"/> source
    /// (the model's input is the whole picture, resized): the bounding box of the cells connected (8 ways) to the
    /// highest cell whose energy is at least <paramref name="fraction"/> of it. One region only, so two surprising
    /// places far apart do not make a box over the whole picture; null for a map without energy.
    /// </summary>
    public PixelBox? Region(int sourceWidth, int sourceHeight, double fraction = 0.5)
    {
        var top = 0;
        for (var i = 1; i < Energies.Length; i++)
        {
            top = Energies[i] > Energies[top] ? i : top;
        }

        if (Energies.Length == 0 || !(Energies[top] > 0) || sourceWidth <= 0 || sourceHeight <= 0)
        {
            return null;
        }

        var floor = Energies[top] * fraction;
        var (minRow, maxRow, minColumn, maxColumn) = (top / Columns, top / Columns, top % Columns, top % Columns);
        var seen = new bool[Energies.Length];
        var pending = new Stack<int>([top]);
        seen[top] = true;
        while (pending.TryPop(out var cell))
        {
            var (row, column) = (cell / Columns, cell % Columns);
            (minRow, maxRow, minColumn, maxColumn) = (Math.Min(minRow, row), Math.Max(maxRow, row), Math.Min(minColumn, column), Math.Max(maxColumn, column));
            for (var r = Math.Max(0, row - 1); r <= Math.Min(Rows - 1, row + 1); r++)
            {
                for (var c = Math.Max(0, column - 1); c <= Math.Min(Columns - 1, column + 1); c++)
                {
                    var next = (r * Columns) + c;
                    if (!seen[next] && Energies[next] >= floor)
                    {
                        seen[next] = true;
                        pending.Push(next);
                    }
                }
            }
        }

        var (x0, x1) = (minColumn * sourceWidth / Columns, (maxColumn + 1) * sourceWidth / Columns);
        var (y0, y1) = (minRow * sourceHeight / Rows, (maxRow + 1) * sourceHeight / Rows);
        return new PixelBox(x0, y0, x1 - x0, y1 - y0);
    }

    private SpatialCell Cell(int row, int column, double energy) =>
        new(row, column, (double)column / Columns, (double)row / Rows, 1.0 / Columns, 1.0 / Rows, energy);
}
