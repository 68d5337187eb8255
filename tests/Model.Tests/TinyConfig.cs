using StreamJepa.Model.Configuration;

namespace StreamJepa.Model.Tests;

internal static class TinyConfig
{
    /// <summary>A small model: 32×32 input, 4×4 grid, two levels above the first.</summary>
    public static readonly HJepaConfig Value = new()
    {
        ImageWidth = 32,
        ImageHeight = 32,
        EncoderChannels = [8, 8],
        Dim = 16,
        ContextFrames = 2,
        Horizons = [1, 3],
        PredictorChannels = 16,
        LatentDim = 2,
        Levels =
        [
            new TemporalLevelConfig { Window = 4, Stride = 2, Dim = 12, Hidden = 16, ContextWindows = 2, Horizons = [1, 2] },
            new TemporalLevelConfig { Window = 3, Stride = 1, Dim = 8, Hidden = 16, ContextWindows = 2, Horizons = [1] },
        ],
    };
}
