namespace StreamJepa.Inference.Scoring;

/// <summary>
/// One stream's own energy baselines, kept across runs (<c>training.stateDirectory</c>): the last energies of each
/// level it judged normal, oldest first, measured under <paramref name="ModelVersion"/>.
/// </summary>
/// <param name="ModelVersion">The weights the energies were measured with: baselines only fit them.</param>
/// <param name="Levels">Per level (level 1 first), the energies of the stream's baseline window.</param>
public sealed record StreamBaselines(long ModelVersion, IReadOnlyList<double[]> Levels);
