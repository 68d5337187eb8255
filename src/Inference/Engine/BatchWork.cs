using StreamJepa.Core.Frames;
using StreamJepa.Core.Results;

namespace StreamJepa.Inference.Engine;

/// <summary>The results of one batch under one lane's weights as the engine fills them in, frame by frame (index = position in the batch).</summary>
internal sealed class BatchWork
{
    public BatchWork(IReadOnlyList<Frame> frames, int levels, ModelLane lane)
    {
        Frames = frames;
        Lane = lane;
        var n = frames.Count;
        Levels = new (double Energy, double Free)?[n][];
        Fresh = new bool[n][];
        for (var i = 0; i < n; i++)
        {
            Levels[i] = new (double, double)?[levels];
            Fresh[i] = new bool[levels];
        }

        EnergyMap = new EnergyMap?[n];
        SceneMap = new EnergyMap?[n];
        Pooled = new float[n][];
        LevelInput = Pooled;
        Windows = [.. Enumerable.Range(0, n).Select(_ => new List<(int, float[])>())];
        Errors = new string?[n];
    }

    public IReadOnlyList<Frame> Frames { get; }

    public ModelLane Lane { get; }

    public (double Energy, double Free)?[][] Levels { get; }

    public bool[][] Fresh { get; }

    public EnergyMap?[] EnergyMap { get; }

    public EnergyMap?[] SceneMap { get; }

    public float[]?[] Pooled { get; }

    /// <summary>Each frame's input to level 2: <see cref="Pooled"/> itself unless <c>levelInputGrid</c> is above 1.</summary>
    public float[]?[] LevelInput { get; private set; }

    /// <summary>Gives level 2 its own per-frame inputs (cells of a coarse grid) instead of the pooled vectors.</summary>
    public float[]?[] UseCellInputs() => LevelInput = new float[Frames.Count][];

    public List<(int Level, float[] Vector)>[] Windows { get; }

    public string?[] Errors { get; }

    public void Fail(int i, string error) => Errors[i] = error;

    /// <summary>Frames that can be scored, in batch order (so each stream's frames stay in order).</summary>
    public IEnumerable<int> Scorable() => Enumerable.Range(0, Frames.Count).Where(i => Errors[i] is null);

    /// <summary>The outcome of every frame, with its count of repeated pictures and what the weights in <paramref name="shadow"/> found, if any.</summary>
    public IReadOnlyList<FrameOutcome> Outcomes(int[] repeats, ShadowOutcome?[]? shadow) =>
        [.. Enumerable.Range(0, Frames.Count).Select(i => new FrameOutcome(
            Frames[i].Header,
            Levels[i],
            Fresh[i],
            EnergyMap[i],
            Errors[i] is null ? Pooled[i] : null,
            Windows[i],
            Errors[i],
            repeats[i],
            shadow?[i],
            SceneMap[i]))];
}
