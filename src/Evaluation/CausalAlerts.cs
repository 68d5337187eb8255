using StreamJepa.Model;

namespace StreamJepa.Evaluation;

/// <summary>
/// Alerts for a baseline's raw scores under the same rule as StreamJepa's episodes: a causal robust z-score
/// (median and MAD of the previous <c>window</c> frames), divided as the scorer divides it where the method's normal
/// surprise has a heavy tail (<see cref="Divisor"/>), at or above <c>onThreshold</c> for <c>openAfter</c> frames in a row.
/// </summary>
public static class CausalAlerts
{
    public static bool[] From(IReadOnlyList<double> scores, double onThreshold = 4, int openAfter = 3, int window = 500, int minSamples = 30, double divisor = 1)
    {
        var z = Surprises(scores, window, minSamples);
        var alerts = new bool[scores.Count];
        var run = 0;
        for (var t = 0; t < scores.Count; t++)
        {
            run = z[t] / divisor >= onThreshold ? run + 1 : 0;
            alerts[t] = run >= openAfter;
        }

        return alerts;
    }

    /// <summary>
    /// The causal robust z-score of each score against the previous <paramref name="window"/> (NaN for the first
    /// <paramref name="minSamples"/>, which have too little history).
    /// </summary>
    public static double[] Surprises(IReadOnlyList<double> scores, int window = 500, int minSamples = 30)
    {
        var z = new double[scores.Count];
        for (var t = 0; t < scores.Count; t++)
        {
            var start = Math.Max(0, t - window);
            if (t - start < minSamples)
            {
                z[t] = double.NaN;
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
            z[t] = (scores[t] - median) / ((1.4826 * mad) + 1e-9);
        }

        return z;
    }

    /// <summary>
    /// What the scorer divides a surprise by with the training video's tail (<c>scoring.tailRisk</c>): the same for a
    /// baseline, from its surprises on the training video. 1 when the risk is 0 or the training video gives no tail.
    /// </summary>
    public static double Divisor(IEnumerable<double> trainingSurprises, double risk, double onThreshold = 4) =>
        risk > 0 && SurpriseTail.Fit(trainingSurprises) is { } tail ? Math.Max(1, tail.Quantile(risk) / onThreshold) : 1;

    private static double Median(double[] values)
    {
        Array.Sort(values);
        var n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }
}
