namespace StreamJepa.Evaluation.Runs;

/// <summary>
/// The headline figures of one evaluation, for tools that compare many (the online learning curve): StreamJepa's
/// macro ROC-AUC over the videos with anomalies, its mean AP, its false episodes on held-out and on training video
/// with the hours of normal frames they were counted over, and each pixel baseline's macro ROC-AUC.
/// </summary>
public sealed record EvalSummary(
    double MacroAuc,
    double MeanAveragePrecision,
    int FalseEpisodesHeldOut,
    double HeldOutHours,
    int FalseEpisodesTrained,
    double TrainedHours,
    IReadOnlyDictionary<string, double> BaselineMacroAuc)
{
    public double FalsePerHourHeldOut => HeldOutHours > 0 ? FalseEpisodesHeldOut / HeldOutHours : double.NaN;

    public double FalsePerHourTrained => TrainedHours > 0 ? FalseEpisodesTrained / TrainedHours : double.NaN;

    internal static EvalSummary Of(IReadOnlyList<VideoResult> results)
    {
        double Macro(string method) =>
            results.Select(r => r.Methods.Single(m => m.Method == method).Auc).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();

        int False(bool trained) => results.Where(r => r.Trained == trained).Sum(r => r.Methods.Single(m => m.Method == EvalRun.Combined).FalseEpisodes);

        var baselines = results.SelectMany(r => r.Methods.Select(m => m.Method)).Distinct()
            .Where(m => !m.StartsWith(EvalRun.Combined, StringComparison.Ordinal))
            .ToDictionary(m => m, Macro);
        return new EvalSummary(
            Macro(EvalRun.Combined),
            results.Where(r => r.AnomalousFrames > 0).Select(r => r.Methods.Single(m => m.Method == EvalRun.Combined).AveragePrecision).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average(),
            False(trained: false),
            results.Where(r => !r.Trained).Sum(r => r.NormalHours),
            False(trained: true),
            results.Where(r => r.Trained).Sum(r => r.NormalHours),
            baselines);
    }
}
