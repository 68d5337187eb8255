using StreamJepa.Core.Frames;
using StreamJepa.Inference.Engine;
using StreamJepa.Model;
using StreamJepa.Training.Data;
using static TorchSharp.torch;

namespace StreamJepa.Training;

/// <summary>
/// Runs a model over normal frames the way inference does and summarises each level's free energy (median and MAD,
/// and the tail of the z-scores they give): the statistics a checkpoint carries so a new stream is scored as soon as
/// its context has filled, and alarms no more often than normal video would.
/// </summary>
public static class EnergyCalibration
{
    /// <summary>
    /// Median and MAD of each level's free energy over <paramref name="store"/>; the tail over it and
    /// <paramref name="alsoForTail"/> together (a tail needs more frames than held-out calibration frames give), each
    /// frame's z-score taken under the median and MAD of those frames, as a stream's is under its own.
    /// </summary>
    public static IReadOnlyList<EnergyStats> Measure(HJepa model, FrameStore store, Device device, int maxBatch = 16, FrameStore? alsoForTail = null)
    {
        var free = Energies(model, store, device, maxBatch);
        var more = alsoForTail is null ? null : Energies(model, alsoForTail, device, maxBatch);
        return [.. free.Select((values, l) => Summary(l + 1, values, [.. values, .. more?[l] ?? []])).OfType<EnergyStats>()];
    }

    /// <summary>Each level's free energies over <paramref name="store"/>, scored by a copy of the model with fresh context.</summary>
    private static List<double>[] Energies(HJepa model, FrameStore store, Device device, int maxBatch)
    {
        var copy = new HJepa(model.Config);
        copy.load_state_dict(model.state_dict());
        using var engine = new HJepaEngine(copy, 0, device, maxBatch);     // disposes the copy
        var free = Enumerable.Range(0, model.Config.LevelCount).Select(_ => new List<double>()).ToArray();
        var pool = new FramePool(store.Shape);
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

        return free;
    }

    private static EnergyStats? Summary(int level, List<double> values, List<double> forTail)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var (median, mad) = MedianAndMad(values);
        var (tailMedian, tailMad) = MedianAndMad(forTail);

        // The same robust z-score the scorer gives a stream with this baseline (RobustStats).
        var scale = (1.4826 * tailMad) + 1e-9 + (1e-3 * Math.Abs(tailMedian));
        return new EnergyStats(level, median, mad, values.Count) { Tail = SurpriseTail.Fit(forTail.Select(v => (v - tailMedian) / scale)) };
    }

    private static (double Median, double Mad) MedianAndMad(List<double> values)
    {
        var sorted = values.Order().ToList();
        var median = sorted[sorted.Count / 2];
        var deviations = sorted.Select(v => Math.Abs(v - median)).Order().ToList();
        return (median, deviations[deviations.Count / 2]);
    }
}
