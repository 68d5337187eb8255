using StreamJepa.Core.Frames;
using StreamJepa.Core.Results;

namespace StreamJepa.Inference.Engine;

/// <summary>What the engine found for one frame, on the host (no tensor leaves the engine).</summary>
/// <param name="Header">The frame.</param>
/// <param name="Levels">Per level (index 0 = level 1): energy at z = 0 and free energy, or null while unknown.</param>
/// <param name="Fresh">Per level: true when the level compared a new prediction at this frame.</param>
/// <param name="EnergyMap">Level-1 token energies at the best latent, when level 1 has an energy.</param>
/// <param name="Pooled">Level-1 pooled representation of the frame.</param>
/// <param name="Windows">Window representations completed at this frame, by level.</param>
/// <param name="Error">Why the frame was not scored, else null.</param>
/// <param name="Repeats">Frames in a row, up to this one, whose model input was identical to the frame before (0: it changed).</param>
/// <param name="Shadow">What the weights scored in shadow found for the frame, while there are such weights.</param>
/// <param name="SceneMap">The scene level's token energies, when it has an energy.</param>
public sealed record FrameOutcome(
    FrameHeader Header,
    IReadOnlyList<(double Energy, double Free)?> Levels,
    IReadOnlyList<bool> Fresh,
    EnergyMap? EnergyMap,
    float[]? Pooled,
    IReadOnlyList<(int Level, float[] Vector)> Windows,
    string? Error,
    int Repeats = 0,
    ShadowOutcome? Shadow = null,
    EnergyMap? SceneMap = null);

/// <summary>The energies of a frame under weights scored in shadow, which will serve once every stream has a baseline for them.</summary>
/// <param name="ModelVersion">Version of the shadow weights.</param>
/// <param name="Levels">Per level: energy at z = 0 and free energy, or null while unknown.</param>
/// <param name="Fresh">Per level: true when the level compared a new prediction at this frame.</param>
public sealed record ShadowOutcome(
    long ModelVersion,
    IReadOnlyList<(double Energy, double Free)?> Levels,
    IReadOnlyList<bool> Fresh);
