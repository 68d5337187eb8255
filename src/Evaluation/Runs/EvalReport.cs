using System.Globalization;
using System.Text;

namespace StreamJepa.Evaluation.Runs;

/// <summary>
/// The evaluation table in Markdown: per video and method, then macro (mean of per-video AUCs) and micro (pooled) AUC,
/// and false episodes per hour of normal video (held out, and the training video when the manifest scores it).
/// </summary>
internal static class EvalReport
{
    public static string Markdown(IReadOnlyList<VideoResult> results, string checkpoint)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"# StreamJepa evaluation ({Path.GetFileName(checkpoint)})");
        text.AppendLine();
        text.AppendLine("| video | frames (anomalous) | method | ROC-AUC | AP | detected | mean latency (frames) | false episodes |");
        text.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|");
        foreach (var video in results)
        {
            foreach (var m in video.Methods)
            {
                text.AppendLine(c, $"| {video.Video} | {video.Frames} ({video.AnomalousFrames}) | {m.Method} | {F(m.Auc)} | {F(m.AveragePrecision)} | {m.Detected}/{m.Latencies.Count} | {(m.MeanLatency is { } l ? l.ToString("0.0", c) : "-")} | {m.FalseEpisodes} |");
            }
        }

        text.AppendLine();
        var heldOut = results.Where(r => !r.Trained).Sum(r => r.NormalHours);
        var trained = results.Where(r => r.Trained).Sum(r => r.NormalHours);
        text.AppendLine(c, $"| method | macro ROC-AUC (mean of videos) | micro ROC-AUC (pooled, no per-video normalisation) | mean AP | median latency (frames) | false episodes / h, held out ({heldOut * 60:0.0} min) | false episodes / h, training video ({trained * 60:0.0} min) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var method in results.SelectMany(r => r.Methods.Select(m => m.Method)).Distinct())
        {
            var per = results.Select(r => r.Methods.Single(m => m.Method == method)).ToList();
            var pooledScores = results.SelectMany(r => r.Scores[method]).ToList();
            var pooledLabels = results.SelectMany(r => r.Labels).ToList();
            var latencies = per.SelectMany(m => m.Latencies).OfType<long>().Select(l => (double)l).ToList();
            text.AppendLine(c, $"| {method} | {F(Mean(per.Select(m => m.Auc)))} | {F(FrameMetrics.RocAuc(pooledScores, pooledLabels))} | {F(Mean(per.Select(m => m.AveragePrecision)))} | {(latencies.Count > 0 ? Median(latencies).ToString("0.#", c) : "-")} | {PerHour(results, method, trained: false)} | {PerHour(results, method, trained: true)} |");
        }

        ByKind(text, results);
        Pictures(text, results);
        return text.ToString();
    }

    /// <summary>Mean per-video ROC-AUC by the kind of anomaly the videos hold, each method a column.</summary>
    private static void ByKind(StringBuilder text, IReadOnlyList<VideoResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        var methods = results.SelectMany(r => r.Methods.Select(m => m.Method)).Distinct().ToList();
        text.AppendLine();
        text.AppendLine(c, $"Mean ROC-AUC by anomaly kind (videos):");
        text.AppendLine();
        text.AppendLine(c, $"| kind | videos | {string.Join(" | ", methods)} |");
        text.AppendLine(c, $"|---|---:|{string.Concat(methods.Select(_ => "---:|"))}");
        foreach (var group in results.GroupBy(r => r.Kinds).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var aucs = methods.Select(m => F(Mean(group.Select(r => r.Methods.Single(x => x.Method == m).Auc))));
            text.AppendLine(c, $"| {group.Key} | {group.Count()} | {string.Join(" | ", aucs)} |");
        }
    }

    private static void Pictures(StringBuilder text, IReadOnlyList<VideoResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var video in results.Where(r => r.Pictures is not null))
        {
            var pictures = video.Pictures!;
            text.AppendLine();
            text.AppendLine(c, $"## {video.Video}");
            text.AppendLine();
            text.AppendLine(c, $"![surprise timeline of {video.Video}]({pictures.Timeline})");
            if (pictures.Strip is not null)
            {
                text.AppendLine();
                text.AppendLine(c, $"Most surprising frames ({string.Join(", ", pictures.StripFrames)}), level-1 energy overlaid (blue low, red high; red border: inside a ground-truth range):");
                text.AppendLine();
                text.AppendLine(c, $"![most surprising frames of {video.Video}]({pictures.Strip})");
            }
        }
    }

    /// <summary>False episodes per hour of normal frames over the held-out (or the training) videos, with the count.</summary>
    private static string PerHour(IReadOnlyList<VideoResult> results, string method, bool trained)
    {
        var videos = results.Where(r => r.Trained == trained).ToList();
        var hours = videos.Sum(r => r.NormalHours);
        var episodes = videos.Sum(r => r.Methods.Single(m => m.Method == method).FalseEpisodes);
        return hours > 0 ? string.Create(CultureInfo.InvariantCulture, $"{episodes / hours:0} ({episodes})") : "-";
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }

    private static double Mean(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        return finite.Count == 0 ? double.NaN : finite.Average();
    }

    private static string F(double value) => double.IsFinite(value) ? value.ToString("0.000", CultureInfo.InvariantCulture) : "-";
}
