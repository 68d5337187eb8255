using System.Globalization;
using StreamJepa.Core.Results;

namespace StreamJepa.Inference.Sinks;

/// <summary>Anomaly episodes as one readable line each (output.sinks: console), for people without Kafka.</summary>
public sealed class ConsoleSink(TextWriter output) : IResultSink
{
    public bool WantsEmbeddings => false;

    public void OnScore(FrameScore score)
    {
    }

    public void OnGap(FrameGap gap)
    {
    }

    public void OnEmbedding(Embedding embedding)
    {
    }

    public void OnEpisode(AnomalyEpisode episode) => output.WriteLine(Format(episode));

    public ValueTask FlushAsync(CancellationToken cancellationToken) => new(output.FlushAsync(cancellationToken));

    public ValueTask DisposeAsync() => new(output.FlushAsync());

    /// <summary>
    /// e.g. "ANOMALY closed  cam-1 #2 frames 120-151 (4.1-5.2 s) peak 7.3 levels fired 2 at r3c5 r3c4 (model v4)", or
    /// "FROZEN  opened  cam-1 #3 from frame 300 (5 so far) (30.0 s) (model v4)" for a feed that stopped changing.
    /// </summary>
    public static string Format(AnomalyEpisode e)
    {
        var c = CultureInfo.InvariantCulture;
        var span = e.EndFrame is { } end ? $"frames {e.StartFrame}-{end}" : $"from frame {e.StartFrame} ({e.Frames} so far)";
        var time = e.EndPtsMs is { } endMs
            ? string.Create(c, $"{e.StartPtsMs / 1000:F1}-{endMs / 1000:F1} s")
            : string.Create(c, $"{e.StartPtsMs / 1000:F1} s");
        if (e.Kind == AnomalyEpisode.Frozen)
        {
            return string.Create(c, $"FROZEN  {e.State,-7} {e.Stream} #{e.Number} {span} ({time}) (model v{e.ModelVersion})");
        }

        var fired = e.FiredLevels.Count > 0 ? string.Join(",", e.FiredLevels) : "none";
        var cells = e.TopCells.Count > 0 ? " at " + string.Join(" ", e.TopCells.Select(t => $"r{t.Row}c{t.Column}")) : string.Empty;
        return string.Create(c, $"ANOMALY {e.State,-7} {e.Stream} #{e.Number} {span} ({time}) peak {e.PeakScore:F1} levels fired {fired}{cells} (model v{e.ModelVersion})");
    }
}
