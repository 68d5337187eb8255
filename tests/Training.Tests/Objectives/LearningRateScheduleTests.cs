using StreamJepa.Training.Configuration;
using StreamJepa.Training.Objectives;

namespace StreamJepa.Training.Tests.Objectives;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void At_WithoutWarmupOrFinalRate_IsConstant()
    {
        var options = new TrainingOptions { LearningRate = 1e-3 };

        Assert.All(new[] { 0.0, 0.3, 1.0 }, p => Assert.Equal(1e-3, LearningRateSchedule.At(options, (long)(p * 1000), p)));
        Assert.Equal(1e-3, LearningRateSchedule.Online(options));
    }

    [Fact]
    public void At_WarmsUpLinearly_ThenDecaysByACosineToTheFinalRate()
    {
        var options = new TrainingOptions { LearningRate = 1e-3, WarmupSteps = 9, FinalLearningRate = 1e-5 };

        Assert.Equal(1e-4, LearningRateSchedule.At(options, 0, 0), 12);
        Assert.Equal(5e-4, LearningRateSchedule.At(options, 4, 0.004), 12);
        Assert.Equal(1e-3, LearningRateSchedule.At(options, 9, 0), 12);
        Assert.Equal((1e-3 + 1e-5) / 2, LearningRateSchedule.At(options, 500, 0.5), 12);
        Assert.Equal(1e-5, LearningRateSchedule.At(options, 1000, 1), 12);
        Assert.Equal(1e-5, LearningRateSchedule.At(options, 2000, 1.7), 12);
        Assert.Equal(1e-5, LearningRateSchedule.Online(options));
        var rates = Enumerable.Range(10, 990).Select(s => LearningRateSchedule.At(options, s, s / 1000.0)).ToList();
        Assert.True(rates.Zip(rates.Skip(1)).All(r => r.Second <= r.First), "the decay never rises");
    }
}
