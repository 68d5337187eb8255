using StreamJepa.Core.Frames;
using StreamJepa.Inference.Engine;
using StreamJepa.Inference.Scoring;
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
    /// Median and MAD of each level's free energy over <paramref name="store"/>; the tail over the surprises of each
    /// stream's frames in <paramref name="before"/> followed by its frames in <paramref name="store"/> (a tail needs
    /// more frames than held-out calibration frames give), each judged as a stream's scorer judges it: against the
    /// median and MAD of the <paramref name="window"/> before it that it learnt, from the <paramref name="minSamples"/>-th
    /// on, an energy whose surprise reaches <paramref name="onThreshold"/> not learnt as normal.
    /// </summary>
    public static IReadOnlyList<EnergyStats> Measure(HJepa model, FrameStore store, Device device, int maxBatch = 16, FrameStore? before = null, int window = 500, int minSamples = 30, double onThreshold = 4)
    {
        var free = Energies(model, store, device, maxBatch);
        var earlier = before is null ? [] : Energies(model, before, device, maxBatch);
        var stats = new List<EnergyStats>();
        for (var l = 0; l < model.Config.LevelCount; l++)
        {
            var values = free.Values.SelectMany(levels => levels[l]).ToList();
            var surprises = free.SelectMany(stream =>
                CausalSurprise.Of([.. earlier.GetValueOrDefault(stream.Key)?[l] ?? [], .. stream.Value[l]], window, minSamples, onThreshold));
            if (Summary(l + 1, values, [.. surprises]) is { } summary)
            {
                stats.Add(summary);
            }
        }

        return stats;
    }

    /// <summary>Per stream, each level's free energies over <paramref name="store"/>, scored by a copy of the model with fresh context.</summary>
    private static Dictionary<string, List<double>[]> Energies(HJepa model, FrameStore store, Device device, int maxBatch)
    {
        var copy = new HJepa(model.Config);
        copy.load_state_dict(model.state_dict());
        using var engine = new HJepaEngine(copy, 0, device, maxBatch);     // disposes the copy
        var energies = new Dictionary<string, List<double>[]>();
        var pool = new FramePool(store.Shape);
        foreach (var (stream, frames) in store.Streams)
        {
            var free = energies[stream] = [.. Enumerable.Range(0, model.Config.LevelCount).Select(_ => new List<double>())];
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

        return energies;
    }

    private static EnergyStats? Summary(int level, List<double> values, IReadOnlyList<double> surprises)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToList();
        var median = sorted[sorted.Count / 2];
        var deviations = sorted.Select(v => Math.Abs(v - median)).Order().ToList();
        return new EnergyStats(level, median, deviations[deviations.Count / 2], values.Count) { Tail = SurpriseTail.Fit(surprises) };
    }
}
