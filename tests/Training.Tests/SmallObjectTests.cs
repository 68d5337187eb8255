using StreamJepa.Core.Frames;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Engine;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Synthetic;
using StreamJepa.Model;
using StreamJepa.Model.Configuration;
using StreamJepa.Training.Configuration;
using StreamJepa.Training.Data;
using static TorchSharp.torch;

namespace StreamJepa.Training.Tests;

/// <summary>
/// A small, fast object where none belongs must show on the level-1 energy map at the token it covers: the map is
/// what places an alert in the picture, so a model whose map smears or misses such an object cannot say where.
/// </summary>
[Collection(SeededTorch.Name)]
public sealed class SmallObjectTests
{
    private const int Width = 96;
    private const int Height = 64;
    private const int Token = 8;                // three stride-2 layers: a 12×8 grid of 8-pixel tokens

    private static readonly HJepaConfig Config = new()
    {
        ImageWidth = Width,
        ImageHeight = Height,
        EncoderChannels = [16, 32],
        Dim = 32,
        ContextFrames = 3,
        Horizons = [1, 2],
        PredictorChannels = 48,
        LatentDim = 2,
        Levels = [new TemporalLevelConfig { Window = 6, Stride = 3, Dim = 16, Hidden = 32, ContextWindows = 2 }],
    };

    [Fact]
    public void A_small_object_crossing_the_scene_raises_the_energy_of_its_token()
    {
        random.manual_seed(11);
        using var model = Trained();
        var scene = new SyntheticSceneOptions { Seed = 9, Width = Width, Height = Height, Frames = 40, AnomalyEvery = 0 };
        var plain = SceneClips.Render(scene, Width, Height);
        var crossed = plain.Select(f => (float[])f.Clone()).ToArray();
        var path = new Dictionary<int, (int Row, int Column)>();
        for (var t = 20; t < 32; t++)
        {
            // A 6×6 white square (6% of the width, a quarter of a percent of the picture) moving a token per frame.
            var at = (Row: 3, Column: t - 20);
            Paint(crossed[t], at.Row, at.Column);
            path[t] = at;
        }

        var before = Maps(model, plain);
        var after = Maps(model, crossed);

        // Where the object is now rises, and so may where it just was (the model expected it to linger there): the
        // surprise must lie on the object's path, its own token first or second, never elsewhere.
        var (found, onPath, hottest) = (0, 0, 0);
        var rises = new List<double>();
        var covered = new HashSet<int>();
        foreach (var (t, at) in path.OrderBy(p => p.Key))
        {
            var (with, without) = (after[t]!, before[t]!);
            var rise = with.Energies.Zip(without.Energies, (a, b) => a - b).ToArray();
            var token = (at.Row * with.Columns) + at.Column;
            covered.Add(token);
            var top = Array.IndexOf(rise, rise.Max());
            found += rise.Count(r => r > rise[token]) <= 1 ? 1 : 0;
            onPath += covered.Contains(top) ? 1 : 0;
            hottest += covered.Contains(Array.IndexOf(with.Energies, with.Energies.Max())) ? 1 : 0;
            rises.Add(with[at.Row, at.Column] / without[at.Row, at.Column]);
        }

        Assert.Equal((8, 12), (after[25]!.Rows, after[25]!.Columns));
        Assert.True(found >= path.Count - 1, $"the object's token was among the two that rose most at {found} of {path.Count} frames");
        Assert.True(onPath >= path.Count - 1, $"the largest rise was on the object's path at {onPath} of {path.Count} frames");
        Assert.True(hottest >= path.Count - 2, $"the map's hottest token was on the object's path at {hottest} of {path.Count} frames");
        Assert.True(rises.Order().ElementAt(rises.Count / 2) > 1.5, $"median rise of the object's token energy {rises.Order().ElementAt(rises.Count / 2):0.00}×");
    }

    /// <summary>The test model trained 150 steps on a normal scene (no anomalies) of another seed.</summary>
    private static HJepa Trained()
    {
        var normal = SceneClips.Render(new SyntheticSceneOptions { Seed = 4, Width = Width, Height = Height, Frames = 600, AnomalyEvery = 0 }, Width, Height);
        var store = new FrameStore(new FrameShape(3, Height, Width));
        foreach (var frame in normal)
        {
            store.Add("train", frame);
        }

        using var online = new HJepa(Config);
        using var trainer = new HJepaTrainer(online, new TrainingOptions { LearningRate = 2e-3, BatchSize = 16 }, CPU);
        var rng = new Random(3);
        for (var i = 0; i < 150; i++)
        {
            trainer.Step(store, rng);
        }

        return trainer.ServedModel();
    }

    /// <summary>Sets the pixels of a 6×6 square inside the token at (row, column) to white, in the model's normalised units.</summary>
    private static void Paint(float[] frame, int row, int column)
    {
        var ingest = new IngestOptions();
        for (var c = 0; c < 3; c++)
        {
            var white = (1f - ingest.Mean[c]) / ingest.Std[c];
            for (var y = (row * Token) + 1; y < (row * Token) + 7; y++)
            {
                frame.AsSpan((c * Width * Height) + (y * Width) + (column * Token) + 1, 6).Fill(white);
            }
        }
    }

    /// <summary>The level-1 energy map of every frame, scored by the inference engine as one stream.</summary>
    private static EnergyMap?[] Maps(HJepa model, float[][] frames)
    {
        using var copy = new HJepa(model.Config);
        copy.load_state_dict(model.state_dict());
        using var engine = new HJepaEngine(copy, 0, CPU, frames.Length);
        var pool = new FramePool(new FrameShape(3, Height, Width));
        var batch = frames.Select((pixels, i) =>
        {
            var frame = pool.Rent(new FrameHeader("s", i, i * 100, true, Width, Height, 0));
            pixels.CopyTo(frame.Pixels, 0);
            return frame;
        }).ToList();
        var maps = engine.Process(batch).Select(o => o.EnergyMap).ToArray();
        batch.ForEach(f => f.Dispose());
        return maps;
    }
}
