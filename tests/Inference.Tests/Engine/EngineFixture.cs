using StreamJepa.Core.Frames;
using StreamJepa.Inference.Engine;
using StreamJepa.Model;
using StreamJepa.Model.Configuration;
using static TorchSharp.torch;

namespace StreamJepa.Inference.Tests.Engine;

/// <summary>Small models and deterministic frames for engine tests.</summary>
internal static class EngineFixture
{
    public static readonly HJepaConfig Config = new()
    {
        ImageWidth = 32,
        ImageHeight = 32,
        EncoderChannels = [8, 8],
        Dim = 16,
        ContextFrames = 2,
        Horizons = [1, 2],
        PredictorChannels = 16,
        LatentDim = 2,
        Levels = [new TemporalLevelConfig { Window = 4, Stride = 2, Dim = 8, Hidden = 16, ContextWindows = 2, Horizons = [1] }],
    };

    private static readonly FrameShape Shape = new(3, 32, 32);

    private static readonly Lock Seeding = new();

    /// <summary>
    /// An engine over weights drawn with <paramref name="seed"/> (the same seed, the same weights: tests of this
    /// assembly that run in parallel draw their weights here, one at a time), for <paramref name="config"/> or <see cref="Config"/>.
    /// </summary>
    public static HJepaEngine Engine(int maxBatch = 16, int seed = 3, HJepaConfig? config = null) =>
        new(Model(seed, config), 1, CPU, maxBatch);

    /// <summary>Weights drawn with <paramref name="seed"/>, one draw at a time across the assembly's tests.</summary>
    public static HJepa Model(int seed, HJepaConfig? config = null)
    {
        lock (Seeding)
        {
            random.manual_seed(seed);
            return new HJepa(config ?? Config);
        }
    }

    /// <summary>
    /// Frame <paramref name="index"/> of stream <paramref name="stream"/>: a smooth pattern that moves with the index.
    /// Each frame comes from a pool of its own: tests run in parallel, and a frame disposed by one must never be
    /// handed to another.
    /// </summary>
    public static Frame Frame(string stream, long index, float? fill = null)
    {
        var frame = new FramePool(Shape).Rent(new FrameHeader(stream, index, index * 100.0, true, 64, 64, 0));
        var phase = (stream.GetHashCode(StringComparison.Ordinal) & 7) + (index * 0.3);
        for (var i = 0; i < frame.Pixels.Length; i++)
        {
            frame.Pixels[i] = fill ?? (float)Math.Sin((i % 32 * 0.4) + ((i / 32 % 32) * 0.2) + phase);
        }

        return frame;
    }
}
