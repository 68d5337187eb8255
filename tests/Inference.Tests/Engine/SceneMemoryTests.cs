using StreamJepa.Inference.Engine;

namespace StreamJepa.Inference.Tests.Engine;

public sealed class SceneMemoryTests
{
    private const int Dim = 4;
    private const int Positions = 6;

    [Fact]
    public void Observe_GivesNoEnergy_UntilTheMemoryHoldsItsFirstFrames()
    {
        var scene = new SceneMemory(frames: 100, Dim, Positions);

        var energies = Enumerable.Range(0, 30).Select(_ => scene.Observe(Grid(0, 1f), topTokens: 0)).ToList();

        Assert.Equal(25, scene.MinFrames);
        Assert.All(energies.Take(25), e => Assert.Null(e));
        Assert.All(energies.Skip(25), e => Assert.Equal(0, e!.Value.Energy, 1e-9));
    }

    [Fact]
    public void Observe_AChangeThatStays_IsFarFromTheSceneAtFirst_ThenTakenIn()
    {
        var scene = new SceneMemory(frames: 20, Dim, Positions);
        for (var i = 0; i < 40; i++)
        {
            scene.Observe(Grid(0, 1f), topTokens: 0);
        }

        // One token of six changes by 3 in every channel: its map entry is 9, the frame's mean energy 9 / 6.
        var first = scene.Observe(Grid(2, 4f), topTokens: 0)!.Value;
        for (var i = 0; i < 59; i++)
        {
            scene.Observe(Grid(2, 4f), topTokens: 0);
        }

        var later = scene.Observe(Grid(2, 4f), topTokens: 0)!.Value;

        Assert.Equal(9, first.Map[2], 1e-5);
        Assert.Equal(9.0 / Positions, first.Energy, 1e-5);
        Assert.All(first.Map.Where((_, p) => p != 2), v => Assert.Equal(0, v, 1e-9));
        Assert.True(later.Energy < first.Energy / 100, $"after three memory spans the change is the scene: {later.Energy} vs {first.Energy}");
    }

    [Fact]
    public void Observe_WithoutLearning_ScoresTheFrameButLeavesTheSceneAsItWas()
    {
        var scene = new SceneMemory(frames: 20, Dim, Positions);
        for (var i = 0; i < 40; i++)
        {
            scene.Observe(Grid(0, 1f), topTokens: 0);
        }

        // A frozen feed showing a changed picture for 100 frames: each is as far from the scene as the first.
        var frozen = Enumerable.Range(0, 100).Select(_ => scene.Observe(Grid(2, 4f), topTokens: 0, learn: false)!.Value.Energy).ToList();
        var after = scene.Observe(Grid(0, 1f), topTokens: 0)!.Value.Energy;

        Assert.All(frozen, e => Assert.Equal(9.0 / Positions, e, 1e-5));
        Assert.Equal(0, after, 1e-9);
    }

    [Fact]
    public void Observe_WithTopTokens_AveragesTheMostDistantTokens()
    {
        var scene = new SceneMemory(frames: 20, Dim, Positions);
        for (var i = 0; i < 10; i++)
        {
            scene.Observe(Grid(0, 1f), topTokens: 2);
        }

        var energy = scene.Observe(Grid(2, 4f), topTokens: 2)!.Value.Energy;

        Assert.Equal(9.0 / 2, energy, 1e-5);
    }

    [Fact]
    public void Observe_KeepsTenPicturesOverItsSpan_AndASeededMemoryScoresAtOnce()
    {
        var scene = new SceneMemory(frames: 20, Dim, Positions);
        for (var i = 0; i < 40; i++)
        {
            scene.Observe(Grid(0, 1f), topTokens: 0, picture: [i, i + 0.5f]);
        }

        scene.Observe(Grid(0, 1f), topTokens: 0, learn: false, picture: [99f, 99f]);
        var seeded = SceneMemory.Seeded(scene, Grid(2, 4f));

        // One picture in every two frames taken in (20 / 10), the last ten; a frame not taken in keeps none.
        Assert.Equal(Enumerable.Range(10, 10).Select(k => 2f * k), scene.Pictures.Select(p => (float)p[0]));
        Assert.Equal(scene.Pictures, seeded.Pictures);
        Assert.Equal(0, seeded.Observe(Grid(2, 4f), topTokens: 0)!.Value.Energy, 1e-9);
        Assert.Equal(9.0 / Positions, seeded.Observe(Grid(0, 1f), topTokens: 0)!.Value.Energy, 1e-2);
    }

    /// <summary>A (Dim, Positions) grid of ones, channel-major, with every channel of <paramref name="token"/> at <paramref name="value"/>.</summary>
    private static float[] Grid(int token, float value)
    {
        var grid = Enumerable.Repeat(1f, Dim * Positions).ToArray();
        for (var d = 0; d < Dim; d++)
        {
            grid[(d * Positions) + token] = value;
        }

        return grid;
    }
}
