using StreamJepa.Model.Configuration;
using TorchSharp.Utils;
using static TorchSharp.torch.nn;

namespace StreamJepa.Model;

/// <summary>One level above the first: its window encoder and its predictor.</summary>
public sealed class TemporalLevel : Module
{
    [ComponentName(Name = "encoder")]
    private readonly WindowEncoder _encoder;
    [ComponentName(Name = "predictor")]
    private readonly WindowPredictor _predictor;

    public TemporalLevel(TemporalLevelConfig level, int inputDim, int latentDim)
        : base(nameof(TemporalLevel))
    {
        Config = level;
        _encoder = new WindowEncoder(level, inputDim);
        _predictor = new WindowPredictor(level, latentDim);
        RegisterComponents();
    }

    public TemporalLevelConfig Config { get; }

    public WindowEncoder Encoder => _encoder;

    public WindowPredictor Predictor => _predictor;
}
