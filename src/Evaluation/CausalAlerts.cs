namespace StreamJepa.Evaluation;

/// <summary>
/// Alerts for a baseline's raw scores under the same rule as StreamJepa's episodes: a causal robust z-score
/// (median and MAD of the previous <c>window</c> frames) at or above <c>onThreshold</c> for <c>openAfter</c> frames in a row.
/// </summary>
public static class CausalAlerts
{
    public static bool[] From(IReadOnlyList<double> scores, double onThreshold = 4, int openAfter = 3, int window = 500, int minSamples = 30)
    {
        var alerts = new bool[scores.Count];
        var run = 0;
        for (var t = 0; t < scores.Count; t++)
        {
            var start = Math.Max(0, t - window);
            if (t - start < minSamples)
            {
                continue;
            }

            var history = new double[t - start];
            for (var i = start; i < t; i++)
            {
                history[i - start] = scores[i];
            }

            var median = Median(history);
            for (var i = 0; i < history.Length; i++)
            {
                history[i] = Math.Abs(history[i] - median);
            }

            var mad = Median(history);
            var z = (scores[t] - median) / ((1.4826 * mad) + 1e-9);
            run = z >= onThreshold ? run + 1 : 0;
            alerts[t] = run >= openAfter;
        }

        return alerts;
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        var n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }
}
