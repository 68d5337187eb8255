using StreamJepa.Inference.Scoring;

namespace StreamJepa.Inference.Tests.Scoring;

public sealed class CausalSurpriseTests
{
    [Fact]
    public void Of_JudgesEachEnergyByTheOnesBefore_AndDoesNotLearnTheSurprisingOnes()
    {
        double[] steady = [.. Enumerable.Range(0, 40).Select(i => 1.0 + (0.01 * (i % 5)))];

        var surprises = CausalSurprise.Of([.. steady, 5.0, 5.0, 1.02], window: 100, minSamples: 30, onThreshold: 4);
        var withoutSpikes = CausalSurprise.Of([.. steady, 1.02], window: 100, minSamples: 30, onThreshold: 4);

        // The first 30 have no baseline; the spikes are far beyond it; the last value is judged as if they never came.
        Assert.Equal(13, surprises.Count);
        Assert.True(surprises[10] > 100 && surprises[11] > 100, $"spikes {surprises[10]}, {surprises[11]}");
        Assert.Equal(withoutSpikes[^1], surprises[^1], 9);
    }
}
