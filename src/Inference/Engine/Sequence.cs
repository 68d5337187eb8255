namespace StreamJepa.Inference.Engine;

/// <summary>
/// One stream's representations at one level, as a sequence of steps: the last few (the predictor's context) and
/// the predictions made so far about the steps to come.
/// </summary>
internal sealed class Sequence
{
    public Sequence(int contextItems, int length, IReadOnlyList<int> horizons, int candidates)
    {
        History = new History(contextItems, length);
        Pending = new PendingPredictions(horizons.Max(), horizons.Count, candidates * length);
    }

    public History History { get; }

    public PendingPredictions Pending { get; }

    /// <summary>Representations seen so far: the step of the next one.</summary>
    public long Step => History.Count;
}
