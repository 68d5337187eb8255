using StreamJepa.Inference.Scoring;

namespace StreamJepa.Inference.Tests.Scoring;

public sealed class RobustStatsTests
{
    [Fact]
    public void Surprise_NoPriorNoSamples_IsUnknown()
    {
        var stats = new RobustStats(100, 10, prior: null);

        Assert.Null(stats.Surprise(1.0));
    }

    [Fact]
    public void Surprise_UsesPriorUntilOwnSamplesSuffice_ThenOwn()
    {
        var stats = new RobustStats(100, 10, prior: (10.0, 1.0));
        Assert.Equal((13.0 - 10.0) / (1.4826 + 1e-9 + 0.01), stats.Surprise(13.0)!.Value, 6);

        for (var i = 0; i < 10; i++)
        {
            stats.Add(100 + (i % 2));
        }

        Assert.Equal((100.5, 0.5), stats.Current());
        Assert.True(Math.Abs(stats.Surprise(100.5)!.Value) < 1e-6);
    }

    [Fact]
    public void MedianAndMad_IgnoreOutliersAndForgetOldValues()
    {
        var stats = new RobustStats(5, 3, prior: null);
        foreach (var v in new[] { 1000.0, 1, 2, 3, 4, 5, 1e9 })
        {
            stats.Add(v);
        }

        // The window holds 3, 4, 5, 1e9 and 2 (1000 and 1 were pushed out): median 4, MAD 1.
        Assert.Equal((4.0, 1.0), stats.Current());
    }
}
