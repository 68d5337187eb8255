namespace StreamJepa.Evaluation;

/// <summary>Frame-level detection metrics: ROC-AUC, average precision, and detection latency.</summary>
public static class FrameMetrics
{
    /// <summary>
    /// ROC-AUC: the probability that a random anomalous frame scores above a random normal one (ties count half),
    /// by the Mann-Whitney rank sum. NaN when either class is absent.
    /// </summary>
    public static double RocAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> anomalous)
    {
        var positives = anomalous.Count(a => a);
        var negatives = anomalous.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        var ranks = Ranks(scores);
        var positiveRanks = 0.0;
        for (var i = 0; i < scores.Count; i++)
        {
            if (anomalous[i])
            {
                positiveRanks += ranks[i];
            }
        }

        return (positiveRanks - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    /// <summary>
    /// Average precision: the mean, over anomalous frames, of the precision among frames scoring at least as high
    /// (ties resolved pessimistically: a tied group counts as one threshold). NaN without anomalous frames.
    /// </summary>
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<bool> anomalous)
    {
        var positives = anomalous.Count(a => a);
        if (positives == 0)
        {
            return double.NaN;
        }

        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        double sum = 0;
        var truePositives = 0;
        var seen = 0;
        for (var k = 0; k < order.Length;)
        {
            var groupEnd = k;
            var groupPositives = 0;
            while (groupEnd < order.Length && scores[order[groupEnd]].Equals(scores[order[k]]))
            {
                groupPositives += anomalous[order[groupEnd]] ? 1 : 0;
                groupEnd++;
            }

            truePositives += groupPositives;
            seen += groupEnd - k;
            sum += groupPositives * ((double)truePositives / seen);
            k = groupEnd;
        }

        return sum / positives;
    }

    /// <summary>
    /// For each anomalous range, frames from its start to the first alert inside it (null when none fired in it).
    /// </summary>
    public static IReadOnlyList<long?> DetectionLatencies(IReadOnlyList<bool> alerts, IReadOnlyList<FrameRange> ranges) =>
        [.. ranges.Select(range =>
        {
            for (var f = range.Start; f < Math.Min(range.End, alerts.Count); f++)
            {
                if (alerts[(int)f])
                {
                    return (long?)(f - range.Start);
                }
            }

            return null;
        })];

    /// <summary>
    /// Alerts that began on a normal frame: each run of consecutive alerting frames is one episode, and it is false
    /// when the frame it began on lies outside every anomalous range (a late alert after a range ended counts too).
    /// </summary>
    public static int FalseEpisodes(IReadOnlyList<bool> alerts, IReadOnlyList<FrameRange> ranges)
    {
        var count = 0;
        for (var f = 0; f < alerts.Count; f++)
        {
            if (alerts[f] && (f == 0 || !alerts[f - 1]) && !ranges.Any(r => r.Contains(f)))
            {
                count++;
            }
        }

        return count;
    }

    private static double[] Ranks(IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        var ranks = new double[scores.Count];
        for (var k = 0; k < order.Length;)
        {
            var end = k;
            while (end < order.Length && scores[order[end]].Equals(scores[order[k]]))
            {
                end++;
            }

            var average = (k + 1 + end) / 2.0;
            for (var j = k; j < end; j++)
            {
                ranks[order[j]] = average;
            }

            k = end;
        }

        return ranks;
    }
}
