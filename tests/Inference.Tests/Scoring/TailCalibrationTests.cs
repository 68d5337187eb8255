using StreamJepa.Inference.Scoring;
using StreamJepa.Model;

namespace StreamJepa.Inference.Tests.Scoring;

public sealed class TailCalibrationTests
{
    [Fact]
    public void Divisor_UsesThePriorUntilTheStreamHasItsOwnSurprises_ThenTheirTail()
    {
        // The checkpoint's tail reaches 12 once in a thousand frames; this stream's surprises never pass 3.
        var prior = new SurpriseTail(4, 2, 0, 0.1, 1000);
        var tail = new TailCalibration(window: 1000, minSamples: 200, prior);

        Assert.Equal(prior.Quantile(1e-3) / 4, tail.Divisor(1e-3, 4), 6);
        for (var i = 0; i < 200; i++)
        {
            Assert.True(tail.Calibrating);
            tail.Add(3.0 * (i % 100) / 100);
        }

        Assert.False(tail.Calibrating);
        Assert.Equal(1, tail.Divisor(1e-3, 4));
    }

    [Fact]
    public void Divisor_IsOneWhenOffOrUnknown_NeverBelowOne()
    {
        var heavy = new SurpriseTail(4, 2, 0.2, 0.1, 1000);

        Assert.Equal(1, new TailCalibration(100, 100, heavy).Divisor(0, 4));
        Assert.Equal(1, new TailCalibration(100, 100, prior: null).Divisor(1e-3, 4));
        Assert.Equal(1, new TailCalibration(100, 100, new SurpriseTail(1, 0.1, 0, 0.1, 1000)).Divisor(1e-3, 4));
        Assert.True(new TailCalibration(100, 100, heavy).Divisor(1e-3, 4) > 2);
    }

    [Fact]
    public void Seed_KeptSurprises_EndCalibration_AndAreGivenBackOldestFirst()
    {
        var tail = new TailCalibration(window: 300, minSamples: 200, prior: null);

        tail.Seed(Enumerable.Range(0, 400).Select(i => (double)i));

        Assert.False(tail.Calibrating);
        Assert.Equal(Enumerable.Range(100, 300).Select(i => (double)i), tail.Values());
    }
}
