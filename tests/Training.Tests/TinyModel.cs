using StreamJepa.Model.Configuration;

namespace StreamJepa.Training.Tests;

internal static class TinyModel
{
    /// <summary>A small two-level model on 32×32 frames, quick enough to train in tests.</summary>
    public static readonly HJepaConfig Config = new()
    {
        ImageWidth = 32,
        ImageHeight = 32,
        EncoderChannels = [8, 8],
        Dim = 16,
        ContextFrames = 2,
        Horizons = [1],
        PredictorChannels = 16,
        LatentDim = 2,
        Levels = [new TemporalLevelConfig { Window = 4, Stride = 2, Dim = 8, Hidden = 16, ContextWindows = 2 }],
    };
}
