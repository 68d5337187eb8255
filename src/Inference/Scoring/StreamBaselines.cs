namespace StreamJepa.Inference.Scoring;

/// <summary>
/// One stream's own energy baselines, kept across runs (<c>training.stateDirectory</c>): the last energies of each
/// level it judged normal, oldest first, measured under <paramref name="ModelVersion"/>, and the surprises behind each
/// level's tail.
/// </summary>
/// <param name="ModelVersion">The weights the energies were measured with: baselines only fit them.</param>
/// <param name="Levels">Per level (level 1 first), the energies of the stream's baseline window.</param>
public sealed record StreamBaselines(long ModelVersion, IReadOnlyList<double[]> Levels)
{
    /// <summary>Per level, the normal surprises its tail was fitted to, oldest first (absent in files written before tails were kept).</summary>
    public IReadOnlyList<double[]>? Tails { get; init; }
}
