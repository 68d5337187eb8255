using StreamJepa.Model.Configuration;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch.nn;

namespace StreamJepa.Model;

/// <summary>
/// The hierarchical JEPA: a frame encoder with a predictor over time and one over space (level 1) and, above them,
/// levels that encode windows of the level below and predict the windows that follow. Each level's energy is the
/// distance, in its own representation space, between what it predicted and what it then observed.
/// </summary>
public sealed class HJepa : Module
{
    [ComponentName(Name = "encoder")]
    private readonly FrameEncoder _encoder;
    [ComponentName(Name = "predictor")]
    private readonly FramePredictor _predictor;
    [ComponentName(Name = "masked")]
    private readonly MaskedPredictor? _masked;
    [ComponentName(Name = "levels")]
    private readonly ModuleList<TemporalLevel> _levels;

    public HJepa(HJepaConfig config)
        : base(nameof(HJepa))
    {
        Config = config;
        _encoder = new FrameEncoder(config);
        _predictor = new FramePredictor(config);
        _masked = config.MaskedBlock > 0 ? new MaskedPredictor(config) : null;
        _levels = new ModuleList<TemporalLevel>();
        var inputDim = config.LevelInputDim;
        foreach (var level in config.Levels)
        {
            _levels.Add(new TemporalLevel(level, inputDim, config.LatentDim));
            inputDim = level.Dim;
        }

        RegisterComponents();
    }

    public HJepaConfig Config { get; }

    public FrameEncoder Encoder => _encoder;

    public FramePredictor Predictor => _predictor;

    /// <summary>Level 1's masked (spatial) predictor; null when <c>model.maskedBlock</c> is 0.</summary>
    public MaskedPredictor? Masked => _masked;

    /// <summary>Levels above the first: index 0 is level 2.</summary>
    public IReadOnlyList<TemporalLevel> Levels => [.. _levels];
}
