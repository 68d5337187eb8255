namespace StreamJepa.Core.Results;

/// <summary>The score of one frame of one stream.</summary>
/// <param name="Stream">Stream id.</param>
/// <param name="Frame">0-based index of the frame in its source.</param>
/// <param name="PtsMs">Presentation time in milliseconds.</param>
/// <param name="Score">Combined surprise (the highest of the levels); null before the model's context has filled.</param>
/// <param name="Levels">Per-level energies and surprise.</param>
/// <param name="Anomaly">True while an anomaly episode is open on this stream.</param>
/// <param name="ModelVersion">Version of the weights that scored the frame.</param>
/// <param name="Error">Why the frame could not be scored (non-finite input or representation), else null.</param>
/// <param name="EnergyMap">Level-1 token energies, when <c>scoring.energyMaps</c> is on and level 1 has an energy.</param>
/// <param name="WarmingUp">True while the stream cannot alert yet: the model's context or the stream's own baseline (for the model version that scored the frame) is still filling.</param>
/// <param name="Repeats">Frames in a row, up to this one, whose picture repeated the one before exactly (a frozen feed at <c>scoring.frozenAfter</c>).</param>
public sealed record FrameScore(
    string Stream,
    long Frame,
    double PtsMs,
    double? Score,
    IReadOnlyList<LevelScore> Levels,
    bool Anomaly,
    long ModelVersion,
    string? Error = null,
    EnergyMap? EnergyMap = null,
    bool WarmingUp = false,
    int Repeats = 0);
