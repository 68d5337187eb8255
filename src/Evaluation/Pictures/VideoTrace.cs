using StreamJepa.Core.Results;

namespace StreamJepa.Evaluation.Pictures;

/// <summary>
/// What the pictures of one scored video are drawn from: per frame, the surprise of each level (NaN before a level
/// could score), the combined score, whether StreamJepa's anomaly episode was open, and the level-1 energy grid.
/// </summary>
/// <param name="Id">The video's name in the report.</param>
/// <param name="VideoPath">The video file, read again for the thumbnails.</param>
/// <param name="Levels">Per H-JEPA level (index 0 = level 1), a surprise per frame.</param>
/// <param name="Combined">The combined surprise per frame (NaN when unscored).</param>
/// <param name="Alerts">Per frame: an anomaly episode is open.</param>
/// <param name="Truth">Ground-truth anomalous ranges.</param>
/// <param name="EnergyMaps">Per frame: level-1 token energies, or null.</param>
public sealed record VideoTrace(
    string Id,
    string VideoPath,
    IReadOnlyList<double[]> Levels,
    double[] Combined,
    bool[] Alerts,
    IReadOnlyList<FrameRange> Truth,
    IReadOnlyList<EnergyMap?> EnergyMaps)
{
    public int Frames => Combined.Length;

    /// <summary>Frames at which an episode opened (the alert marks on the timeline).</summary>
    public IEnumerable<int> AlertStarts() =>
        Enumerable.Range(0, Alerts.Length).Where(t => Alerts[t] && (t == 0 || !Alerts[t - 1]));

    /// <summary>The <paramref name="count"/> most surprising frames that have an energy map, at least <paramref name="gap"/> frames apart, in time order.</summary>
    public IReadOnlyList<int> MostSurprising(int count, int gap)
    {
        var chosen = new List<int>();
        foreach (var t in Enumerable.Range(0, Frames).Where(t => double.IsFinite(Combined[t]) && EnergyMaps[t] is not null).OrderByDescending(t => Combined[t]))
        {
            if (chosen.All(c => Math.Abs(c - t) >= gap))
            {
                chosen.Add(t);
                if (chosen.Count == count)
                {
                    break;
                }
            }
        }

        chosen.Sort();
        return chosen;
    }
}
