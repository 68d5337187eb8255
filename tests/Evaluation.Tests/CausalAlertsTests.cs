namespace StreamJepa.Evaluation.Tests;

public sealed class CausalAlertsTests
{
    [Fact]
    public void Divisor_FromATrainingVideoWithARecurringMoment_QuietsThatMoment_AndAFarStrongerOneStillAlerts()
    {
        // A baseline's scores: steady, and every 150 frames a 6-frame moment far above (about 8 robust z-scores).
        var random = new Random(3);
        double[] Scores(int frames) => [.. Enumerable.Range(0, frames).Select(i => i % 150 is >= 75 and < 81 ? 1.15 : 1.0 + ((random.NextDouble() - 0.5) * 0.05))];
        var training = CausalAlerts.Surprises(Scores(600));
        double[] test = [.. Scores(600), .. Enumerable.Repeat(3.0, 5)];

        var divisor = CausalAlerts.Divisor(training, risk: 1e-3);
        var plain = CausalAlerts.From(test);
        var calibrated = CausalAlerts.From(test, divisor: divisor);

        Assert.Equal(1, CausalAlerts.Divisor(training, risk: 0));
        Assert.True(divisor > 2, $"divisor {divisor}");
        Assert.Contains(Enumerable.Range(75, 6), f => plain[f + 150]);
        Assert.DoesNotContain(Enumerable.Range(0, 600), f => calibrated[f]);
        Assert.True(calibrated[^1], "a far stronger moment still alerts");
    }
}
