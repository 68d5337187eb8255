using System.Globalization;
using System.Text;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Pipeline;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Kafka;
using StreamJepa.Training.Online;

namespace StreamJepa.Host.Running;

/// <summary>
/// What a run looks like now: a headline (model, episodes, latency, busy shares), the learning and publishing
/// lines, and one row per stream (status, frames, frames/s since the last look, drops, damage, reconnects, errors,
/// the latest combined and per-level surprise, whether an anomaly is open). Rendered as plain text (logs, pipes)
/// or as a live table (<see cref="LiveView"/>).
/// </summary>
internal sealed class StreamSummary
{
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly Dictionary<string, (long Frames, long Timestamp)> _previous = new(StringComparer.Ordinal);
    private readonly int _frozenAfter;

    /// <param name="time">The clock the frames/s are measured by.</param>
    /// <param name="frozenAfter">Repeated frames in a row that make a running stream "frozen" (<c>scoring.frozenAfter</c>; 0: never).</param>
    public StreamSummary(TimeProvider time, int frozenAfter)
    {
        _time = time;
        _frozenAfter = frozenAfter;
        _start = time.GetTimestamp();
    }

    public RunSnapshot Take(IReadOnlyCollection<StreamStats> streams, InferencePipeline inference, OnlineTrainerStats? learning, PublisherStats? publishing, bool final)
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_start);
        var latency = inference.Latency;
        var headline = string.Create(CultureInfo.InvariantCulture,
            $"{(final ? "final" : "live")} summary at {elapsed.TotalSeconds:0.0} s: model v{inference.ModelVersion}, {inference.EpisodesOpened} anomaly episode(s), decode→score latency p50 {latency.Percentile(0.5):0} ms p99 {latency.Percentile(0.99):0} ms; model busy {100 * inference.ModelBusy.TotalSeconds / elapsed.TotalSeconds:0}% ({inference.Batches} batches), results busy {100 * inference.ResultBusy.TotalSeconds / elapsed.TotalSeconds:0}%");
        string? learningLine = null;
        if (learning is { } l)
        {
            var levels = l.LastLosses is null ? "-" : string.Join("; ", l.LastLosses.Select((x, i) => string.Create(CultureInfo.InvariantCulture,
                $"L{i + 1} loss {x.Total:0.000} (pred {x.Prediction:0.000}{(x.Masked > 0 ? $" masked {x.Masked:0.000}" : string.Empty)}) std {x.Health.MeanStd:0.00} rank {x.Health.EffectiveRank:0.0} pred var {x.PredictorVariance:0.000}")));
            learningLine = string.Create(CultureInfo.InvariantCulture,
                $"learning{(l.Stopped is null ? string.Empty : " STOPPED")}: {l.Steps} steps{(l.IdlePriority ? " (at idle CPU priority)" : string.Empty)}, {l.Promotions} promoted, {l.Rejections} rejected{(l.LastRejection is null ? string.Empty : $" ({l.LastRejection})")}, {(l.Rollbacks == 0 ? string.Empty : $"{l.Rollbacks} rolled back ({l.LastRollback}), ")}replay {l.ReplayFrames} frames, tap drops {l.TapDrops}; {levels}{(l.Stopped is null ? string.Empty : $"; {l.Stopped}")}");
        }

        string? publishingLine = null;
        if (publishing is { } p)
        {
            var channels = string.Join("; ", p.Channels.Select(c => string.Create(CultureInfo.InvariantCulture,
                $"{c.Name} {c.Delivered} delivered, {c.Waiting} waiting ({c.Journaled} in journal), {c.Dropped} dropped")));
            publishingLine = $"kafka: circuit {p.Circuit.ToLowerInvariant()}, broker {(p.BrokerDown ? "DOWN" : "up")}; {channels}{(p.LastError is null ? string.Empty : $"; last error: {p.LastError}")}";
        }

        var rows = new List<StreamRow>();
        foreach (var s in streams)
        {
            var frames = s.Frames;
            var (lastFrames, lastTime) = _previous.GetValueOrDefault(s.StreamId, (0, _start));
            var seconds = _time.GetElapsedTime(lastTime, now).TotalSeconds;
            var fps = final ? s.AverageFps(_time) : seconds > 0 ? (frames - lastFrames) / seconds : 0;
            _previous[s.StreamId] = (frames, now);
            var latest = inference.Latest.GetValueOrDefault(s.StreamId);
            rows.Add(new StreamRow(
                s.StreamId, Status(s.Status.ToString().ToLowerInvariant(), latest, _frozenAfter), frames, fps, s.Dropped, s.Damaged, s.Reconnects, s.Errors,
                latest?.Score, latest?.Levels.Select(level => level.Surprise).ToList() ?? [], latest?.Anomaly == true, s.LastError));
        }

        return new RunSnapshot(headline, learningLine, publishingLine, rows);
    }

    public static string Text(RunSnapshot snapshot)
    {
        var text = new StringBuilder();
        text.AppendLine(snapshot.Headline);
        foreach (var line in new[] { snapshot.Learning, snapshot.Publishing }.OfType<string>())
        {
            text.AppendLine("  " + line);
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"  {"stream",-16} {"status",-12} {"frames",7} {"fps",7} {"dropped",7} {"damaged",7} {"reconn",6} {"errors",6} {"score",7} {"levels",-16} {"anomaly",-7}  last error");
        foreach (var r in snapshot.Streams)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {Clip(r.Stream, 16),-16} {r.Status,-12} {r.Frames,7} {r.Fps,7:0.0} {r.Dropped,7} {r.Damaged,7} {r.Reconnects,6} {r.Errors,6} {Number(r.Score),7} {Clip(r.LevelText, 16),-16} {(r.Anomaly ? "OPEN" : "-"),-7}  {r.LastError ?? "-"}");
        }

        return text.ToString();
    }

    /// <summary>
    /// A stream's status: the source's, except that a running stream whose latest frame repeated the picture
    /// <paramref name="frozenAfter"/> times or more is "frozen", and one that cannot alert yet is "warming up".
    /// </summary>
    public static string Status(string source, FrameScore? latest, int frozenAfter) =>
        source != "running" || latest is null ? source
        : frozenAfter > 0 && latest.Repeats >= frozenAfter ? "frozen"
        : latest.WarmingUp ? "warming up"
        : source;

    public static string Number(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}

/// <summary>A run at one moment (see <see cref="StreamSummary"/>).</summary>
internal sealed record RunSnapshot(string Headline, string? Learning, string? Publishing, IReadOnlyList<StreamRow> Streams);

/// <summary>One stream's row of the summary.</summary>
internal sealed record StreamRow(
    string Stream, string Status, long Frames, double Fps, long Dropped, long Damaged, long Reconnects, long Errors,
    double? Score, IReadOnlyList<double?> Surprises, bool Anomaly, string? LastError)
{
    public string LevelText => Surprises.Count == 0 ? "-" : string.Join(" ", Surprises.Select(StreamSummary.Number));
}
