using StreamJepa.Core.Frames;
using StreamJepa.Core.Modeling;

namespace StreamJepa.Inference.Engine;

/// <summary>The results of one batch as the engine fills them in, frame by frame (index = position in the batch).</summary>
internal sealed class BatchWork
{
    public BatchWork(IReadOnlyList<Frame> frames, HJepaConfig config)
    {
        Frames = frames;
        var n = frames.Count;
        Levels = new (double Energy, double Free)?[n][];
        Fresh = new bool[n][];
        for (var i = 0; i < n; i++)
        {
            Levels[i] = new (double, double)?[config.LevelCount];
            Fresh[i] = new bool[config.LevelCount];
        }

        EnergyMap = new float[n][];
        Pooled = new float[n][];
        Windows = [.. Enumerable.Range(0, n).Select(_ => new List<(int, float[])>())];
        Errors = new string?[n];
    }

    public IReadOnlyList<Frame> Frames { get; }

    public (double Energy, double Free)?[][] Levels { get; }

    public bool[][] Fresh { get; }

    public float[]?[] EnergyMap { get; }

    public float[]?[] Pooled { get; }

    public List<(int Level, float[] Vector)>[] Windows { get; }

    public string?[] Errors { get; }

    public void Fail(int i, string error) => Errors[i] = error;

    public void SetLevel(int i, int level, (double Energy, double Free) value, bool fresh)
    {
        Levels[i][level] = value;
        Fresh[i][level] |= fresh;
    }

    /// <summary>
    /// The frames that can be scored, in waves: the first frame of each stream in the batch, then the second, …
    /// so that frames of one stream are handled in order while different streams share each model call.
    /// </summary>
    public IEnumerable<int[]> Waves()
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var waves = new List<List<int>>();
        for (var i = 0; i < Frames.Count; i++)
        {
            if (Errors[i] is not null)
            {
                continue;
            }

            var stream = Frames[i].Header.StreamId;
            var nth = seen.GetValueOrDefault(stream);
            seen[stream] = nth + 1;
            if (waves.Count == nth)
            {
                waves.Add([]);
            }

            waves[nth].Add(i);
        }

        return waves.Select(w => w.ToArray());
    }

    public IReadOnlyList<FrameOutcome> Outcomes() =>
        [.. Enumerable.Range(0, Frames.Count).Select(i => new FrameOutcome(
            Frames[i].Header,
            Levels[i],
            Fresh[i],
            EnergyMap[i],
            Errors[i] is null ? Pooled[i] : null,
            Windows[i],
            Errors[i]))];
}
