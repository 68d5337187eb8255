using StreamJepa.Evaluation.Runs;

namespace StreamJepa.Evaluation.Tests.Runs;

public sealed class EvalSummaryTests
{
    [Fact]
    public void Summary_AveragesOverAnomalousVideos_AndCountsFalseEpisodesPerHourApart()
    {
        VideoResult Video(string name, double auc, double ap, double mog2, int falseEpisodes, double hours, bool trained, int anomalous) =>
            new(name, 100, anomalous, [new MethodResult(EvalRun.Combined, auc, ap, [], falseEpisodes), new MethodResult("MOG2 foreground", mog2, 0.1, [], 0)], new Dictionary<string, double[]>(), [])
            {
                NormalHours = hours,
                Trained = trained,
            };

        var summary = EvalSummary.Of(
        [
            Video("a", 0.8, 0.6, 0.7, 1, 0.25, trained: false, anomalous: 30),
            Video("b", 0.6, 0.4, 0.5, 0, 0.25, trained: false, anomalous: 30),
            Video("normal", double.NaN, double.NaN, double.NaN, 3, 0.5, trained: false, anomalous: 0),
            Video("training", double.NaN, double.NaN, double.NaN, 1, 0.25, trained: true, anomalous: 0),
        ]);

        Assert.Equal(0.7, summary.MacroAuc, 9);
        Assert.Equal(0.5, summary.MeanAveragePrecision, 9);
        Assert.Equal(4, summary.FalseEpisodesHeldOut);
        Assert.Equal(4.0, summary.FalsePerHourHeldOut, 9);
        Assert.Equal(4.0, summary.FalsePerHourTrained, 9);
        Assert.Equal(0.6, summary.BaselineMacroAuc["MOG2 foreground"], 9);
        Assert.DoesNotContain(EvalRun.Combined, summary.BaselineMacroAuc.Keys);
    }
}
