using StreamJepa.Core.Frames;
using StreamJepa.Inference.Engine;
using StreamJepa.Model;
using StreamJepa.Training.Data;
using static TorchSharp.torch;

namespace StreamJepa.Training;

/// <summary>
/// Runs a model over the training frames the way inference does and summarises each level's free energy (median
/// and MAD, and the tail of the z-scores they give): the statistics a checkpoint carries so a new stream is scored as
/// soon as its context has filled, and alarms no more often than the training video would.
/// </summary>
public static class EnergyCalibration
{
    public static IReadOnlyList<EnergyStats> Measure(HJepa model, FrameStore store, Device device, int maxBatch = 16)
    {
        var free = Enumerable.Range(0, model.Config.LevelCount).Select(_ => new List<double>()).ToArray();
        var pool = new FramePool(store.Shape);
        using var copy = new HJepa(model.Config);
        copy.load_state_dict(model.state_dict());
        using var engine = new HJepaEngine(copy, 0, device, maxBatch);
        foreach (var (stream, frames) in store.Streams)
        {
            for (var start = 0; start < frames.Count; start += maxBatch)
            {
                var batch = new List<Frame>();
                for (var i = start; i < Math.Min(frames.Count, start + maxBatch); i++)
                {
                    var frame = pool.Rent(new FrameHeader(stream, i, i, true, store.Shape.Width, store.Shape.Height, 0));
                    frames[i].CopyTo(frame.Pixels, 0);
                    batch.Add(frame);
                }

                foreach (var outcome in engine.Process(batch))
                {
                    for (var l = 0; l < free.Length; l++)
                    {
                        if (outcome.Fresh.Count > l && outcome.Fresh[l] && outcome.Levels[l] is { } value)
                        {
                            free[l].Add(value.Free);
                        }
                    }
                }

                batch.ForEach(f => f.Dispose());
            }
        }

        return [.. free.Select((values, l) => Summary(l + 1, values)).OfType<EnergyStats>()];
    }

    private static EnergyStats? Summary(int level, List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var median = values[values.Count / 2];
        var deviations = values.Select(v => Math.Abs(v - median)).Order().ToList();
        var mad = deviations[deviations.Count / 2];

        // The same robust z-score the scorer gives a stream with this baseline (RobustStats).
        var scale = (1.4826 * mad) + 1e-9 + (1e-3 * Math.Abs(median));
        return new EnergyStats(level, median, mad, values.Count) { Tail = SurpriseTail.Fit(values.Select(v => (v - median) / scale)) };
    }
}
