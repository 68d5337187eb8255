using StreamJepa.Model.Configuration;

namespace StreamJepa.Model;

/// <summary>What a checkpoint says about the weights it holds.</summary>
/// <param name="Config">Architecture the weights belong to.</param>
/// <param name="ModelVersion">Version carried by every output scored with these weights.</param>
/// <param name="Step">Training steps behind the weights.</param>
/// <param name="CreatedUtc">When the checkpoint was written.</param>
/// <param name="EnergyStats">Robust energy statistics per level of the data the model was trained on (may be empty).</param>
public sealed record CheckpointHeader(
    HJepaConfig Config,
    long ModelVersion,
    long Step,
    DateTimeOffset CreatedUtc,
    IReadOnlyList<EnergyStats> EnergyStats)
{
    /// <summary>Format of the file it was read from (version 1 files hold no training state).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int FormatVersion { get; init; } = Checkpoint.FormatVersion;
}

/// <summary>Median and MAD of a level's free energy over normal data, and how many frames they summarise.</summary>
public sealed record EnergyStats(int Level, double Median, double Mad, long Count)
{
    /// <summary>The upper tail of the robust z-scores of the same frames under this median and MAD (absent in checkpoints written before it was measured).</summary>
    public SurpriseTail? Tail { get; init; }
}
