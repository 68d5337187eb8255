using ScottPlot;

namespace StreamJepa.Evaluation.Pictures;

/// <summary>
/// The surprise timeline of one video as a PNG (ScottPlot): one line per H-JEPA level, the ground-truth anomalous
/// ranges shaded, StreamJepa's alerts (episode openings) marked, and the on-threshold drawn.
/// </summary>
public static class SurpriseTimeline
{
    /// <summary>Surprises above this are drawn at it, so one huge spike does not flatten the rest.</summary>
    public const double Ceiling = 40;

    public static void Save(VideoTrace trace, string path, double onThreshold, int width = 1400, int height = 420)
    {
        var plot = new Plot();
        try
        {
            Draw(plot, trace, onThreshold);
            plot.SavePng(path, width, height);
        }
        finally
        {
            plot.Dispose();
        }
    }

    private static void Draw(Plot plot, VideoTrace trace, double onThreshold)
    {
        foreach (var range in trace.Truth)
        {
            var span = plot.Add.HorizontalSpan(range.Start - 0.5, range.End - 0.5, Colors.Red.WithAlpha(0.15));
            span.LineStyle.Width = 0;
        }

        var palette = new ScottPlot.Palettes.Category10();
        var xs = Enumerable.Range(0, trace.Frames).Select(t => (double)t).ToArray();
        for (var level = 0; level < trace.Levels.Count; level++)
        {
            var ys = trace.Levels[level].Select(Clip).ToArray();
            var line = plot.Add.ScatterLine(xs, ys, palette.GetColor(level));
            line.LineWidth = level == 0 ? 1.2f : 2f;
            line.LegendText = $"level {level + 1} surprise";
        }

        var threshold = plot.Add.HorizontalLine(onThreshold, 1, Colors.Gray, LinePattern.Dashed);
        threshold.LegendText = "on-threshold";
        var first = true;
        foreach (var start in trace.AlertStarts())
        {
            var alert = plot.Add.VerticalLine(start, 1.5f, Colors.Black, LinePattern.Dotted);
            if (first)
            {
                alert.LegendText = "alert (episode opens)";
                first = false;
            }
        }

        plot.Title($"{trace.Id}: surprise per level (shaded: ground-truth anomalies; values above {Ceiling} drawn at {Ceiling})");
        plot.XLabel("frame");
        plot.YLabel("surprise (robust z-score)");
        plot.Axes.SetLimitsX(0, Math.Max(1, trace.Frames - 1));
        plot.ShowLegend(Alignment.UpperLeft);
    }

    /// <summary>Unscored frames become gaps; outliers are held at the ceiling.</summary>
    private static double Clip(double surprise) => double.IsFinite(surprise) ? Math.Clamp(surprise, -Ceiling, Ceiling) : double.NaN;
}
