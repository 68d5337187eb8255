using System.Globalization;
using System.Text;
using StreamJepa.Ingest.Pipeline;

namespace StreamJepa.Host.Running;

/// <summary>A readable per-stream table: status, frames, frames/s since the last one, drops, damage, reconnects, errors.</summary>
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

    public string Render(IReadOnlyCollection<StreamStats> streams, bool final)
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_start);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{(final ? "final" : "live")} summary at {elapsed.TotalSeconds:0.0} s");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {"stream",-16} {"status",-12} {"frames",9} {"fps",8} {"dropped",8} {"damaged",8} {"reconn",7} {"errors",7}  last error");
        foreach (var s in streams)
        {
            var frames = s.Frames;
            var (lastFrames, lastTime) = _previous.GetValueOrDefault(s.StreamId, (0, _start));
            var seconds = _time.GetElapsedTime(lastTime, now).TotalSeconds;
            var fps = final ? s.AverageFps(_time) : seconds > 0 ? (frames - lastFrames) / seconds : 0;
            _previous[s.StreamId] = (frames, now);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {Clip(s.StreamId, 16),-16} {s.Status.ToString().ToLowerInvariant(),-12} {frames,9} {fps,8:0.0} {s.Dropped,8} {s.Damaged,8} {s.Reconnects,7} {s.Errors,7}  {s.LastError ?? "-"}");
        }

        return text.ToString();
    }

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
