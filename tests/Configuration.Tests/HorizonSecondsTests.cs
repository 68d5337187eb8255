using StreamJepa.Core.Configuration;

namespace StreamJepa.Configuration.Tests;

public sealed class HorizonSecondsTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Load_HorizonsInSeconds_BecomeFramesAndWindowsAtTheNominalRate()
    {
        var model = ConfigLoader.Load(
            null,
            ["model.fps=10", "model.horizonSeconds=[0.1, 0.5, 0.52]", "model.levels=[{\"window\":8,\"stride\":4,\"horizonSeconds\":[2.0]}]"],
            NoEnvironment).Model!;

        Assert.Equal([1, 5], model.Horizons);
        Assert.Equal([5], model.Levels[0].Horizons);
    }

    [Fact]
    public void Load_HorizonsInFrames_StayAsGiven()
    {
        var model = ConfigLoader.Load(null, ["model.horizons=[1, 3]"], NoEnvironment).Model!;

        Assert.Equal([1, 3], model.Horizons);
        Assert.Equal([1], model.Levels[0].Horizons);
    }

    [Fact]
    public void Load_NegativeHorizonSeconds_NamesTheKey()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["model.horizonSeconds=[-1]"], NoEnvironment));

        Assert.Contains(ex.Errors, e => e.Key == "model.horizonSeconds");
    }
}
