namespace StreamJepa.Model.Tests;

public sealed class SurpriseTailTests
{
    [Fact]
    public void Fit_ExponentialSample_FindsAnExponentialTail_AndExtrapolatesItsRareQuantile()
    {
        // The exact quantiles of Exp(1): beyond any threshold the excesses are Exp(1) again (shape 0, scale 1).
        const int n = 20_000;
        var sample = Enumerable.Range(0, n).Select(i => -Math.Log(1 - ((i + 0.5) / n)));

        var tail = SurpriseTail.Fit(sample)!;

        Assert.InRange(tail.Shape, -0.05, 0.05);
        Assert.InRange(tail.Scale, 0.95, 1.05);
        Assert.Equal(0.1, tail.PeakFraction, 3);
        Assert.Equal(Math.Log(10), tail.Threshold, 2);

        // P(X > x) = e^-x: exceeded once in 10,000 frames at ln 10,000 = 9.21, far beyond the sample's top tenth.
        Assert.InRange(tail.Quantile(1e-4), 8.9, 9.5);
        Assert.Equal(tail.Threshold, tail.Quantile(0.5));
    }

    [Fact]
    public void Fit_HeavyTail_HasAPositiveShape_AndAFartherRareQuantileThanALightOne()
    {
        // Generalised Pareto quantiles of shape 0.3 and scale 1, against a bounded uniform sample.
        const int n = 20_000;
        var heavy = SurpriseTail.Fit(Enumerable.Range(0, n).Select(i => (Math.Pow(1 - ((i + 0.5) / n), -0.3) - 1) / 0.3))!;
        var light = SurpriseTail.Fit(Enumerable.Range(0, n).Select(i => (i + 0.5) / n * 10))!;

        Assert.InRange(heavy.Shape, 0.2, 0.4);
        Assert.True(light.Shape < -0.5, $"a bounded sample has a bounded tail (shape {light.Shape})");
        Assert.True(light.Quantile(1e-4) <= 10.2, $"a bounded tail is not extrapolated past its end ({light.Quantile(1e-4)})");
        Assert.True(heavy.Quantile(1e-4) > 20, $"the heavy tail goes far ({heavy.Quantile(1e-4)})");
    }

    [Fact]
    public void Fit_TooFewPeaks_OrNoSpread_GivesNoTail()
    {
        Assert.Null(SurpriseTail.Fit(Enumerable.Range(0, 99).Select(i => (double)i)));
        Assert.Null(SurpriseTail.Fit(Enumerable.Repeat(1.0, 1000)));
        Assert.NotNull(SurpriseTail.Fit(Enumerable.Range(0, 100).Select(i => (double)i).Append(double.NaN)));
    }
}
