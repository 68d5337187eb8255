using System.Globalization;
using System.Text;
using StreamJepa.Inference.Pipeline;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Publish;
using StreamJepa.Training.Online;

namespace StreamJepa.Host.Running;

/// <summary>
/// A readable per-stream table: status, frames, frames/s since the last one, drops, damage, reconnects, errors,
/// the latest combined surprise and per-level surprise, and whether an anomaly is open.
/// </summary>
internal sealed class StreamSummary
{
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly Dictionary<string, (long Frames, long Timestamp)> _previous = new(StringComparer.Ordinal);

    public StreamSummary(TimeProvider time)
    {
        _time = time;
        _start = time.GetTimestamp();
    }

    public string Render(IReadOnlyCollection<StreamStats> streams, InferencePipeline inference, OnlineTrainerStats? learning, PublisherStats? publishing, bool final)
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_start);
        var text = new StringBuilder();
        var latency = inference.Latency;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{(final ? "final" : "live")} summary at {elapsed.TotalSeconds:0.0} s: model v{inference.ModelVersion}, {inference.EpisodesOpened} anomaly episode(s), decode→score latency p50 {latency.Percentile(0.5):0} ms p99 {latency.Percentile(0.99):0} ms; model busy {100 * inference.ModelBusy.TotalSeconds / elapsed.TotalSeconds:0}% ({inference.Batches} batches), results busy {100 * inference.ResultBusy.TotalSeconds / elapsed.TotalSeconds:0}%");
        if (learning is { } l)
        {
            var levels = l.LastLosses is null ? "-" : string.Join("; ", l.LastLosses.Select((x, i) => string.Create(CultureInfo.InvariantCulture,
                $"L{i + 1} loss {x.Total:0.000} (pred {x.Prediction:0.000}) std {x.Health.MeanStd:0.00} rank {x.Health.EffectiveRank:0.0} pred var {x.PredictorVariance:0.000}")));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  learning: {l.Steps} steps, {l.Promotions} promoted, {l.Rejections} rejected{(l.LastRejection is null ? string.Empty : $" ({l.LastRejection})")}, replay {l.ReplayFrames} frames, tap drops {l.TapDrops}; {levels}");
        }

        if (publishing is { } p)
        {
            var channels = string.Join("; ", p.Channels.Select(c => string.Create(CultureInfo.InvariantCulture,
                $"{c.Name} {c.Delivered} delivered, {c.Waiting} waiting ({c.Journaled} in journal), {c.Dropped} dropped")));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  kafka: circuit {p.Circuit.ToLowerInvariant()}, broker {(p.BrokerDown ? "DOWN" : "up")}; {channels}{(p.LastError is null ? string.Empty : $"; last error: {p.LastError}")}");
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"  {"stream",-16} {"status",-12} {"frames",7} {"fps",7} {"dropped",7} {"damaged",7} {"reconn",6} {"errors",6} {"score",7} {"levels",-16} {"anomaly",-7}  last error");
        foreach (var s in streams)
        {
            var frames = s.Frames;
            var (lastFrames, lastTime) = _previous.GetValueOrDefault(s.StreamId, (0, _start));
            var seconds = _time.GetElapsedTime(lastTime, now).TotalSeconds;
            var fps = final ? s.AverageFps(_time) : seconds > 0 ? (frames - lastFrames) / seconds : 0;
            _previous[s.StreamId] = (frames, now);
            var latest = inference.Latest.GetValueOrDefault(s.StreamId);
            var score = latest?.Score is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";
            var levels = latest is null ? "-" : string.Join(" ", latest.Levels.Select(l => l.Surprise is { } x ? x.ToString("0.0", CultureInfo.InvariantCulture) : "-"));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {Clip(s.StreamId, 16),-16} {s.Status.ToString().ToLowerInvariant(),-12} {frames,7} {fps,7:0.0} {s.Dropped,7} {s.Damaged,7} {s.Reconnects,6} {s.Errors,6} {score,7} {Clip(levels, 16),-16} {(latest?.Anomaly == true ? "OPEN" : "-"),-7}  {s.LastError ?? "-"}");
        }

        return text.ToString();
    }

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
