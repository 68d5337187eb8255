namespace StreamJepa.Core.Results;

/// <summary>
/// Level-1 token energies of one frame at the best latent: <paramref name="Rows"/> × <paramref name="Columns"/>,
/// row-major with row 0 at the top, one value per token of the encoder's grid.
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

    private SpatialCell Cell(int row, int column, double energy) =>
        new(row, column, (double)column / Columns, (double)row / Rows, 1.0 / Columns, 1.0 / Rows, energy);
}
