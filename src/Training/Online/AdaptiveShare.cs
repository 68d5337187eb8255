namespace StreamJepa.Training.Online;

/// <summary>
/// The share of wall time the online trainer computes, from what inference did since the last look (every 2 s): none
/// while live frames are being dropped (inference is behind: a step now would cost more of them), else up to
/// <c>max</c> of the time the model block leaves idle (keeping a tenth of it free), and never less than the fixed
/// <c>share</c> (a replayed file keeps the model block busy without dropping anything, and learns at that share).
/// </summary>
/// <param name="share">The share while inference's load is unknown, or high without drops.</param>
/// <param name="max">The most the trainer takes of an idle model block's time.</param>
/// <param name="load">The model block's cumulative busy time and the frames dropped so far; null keeps the share fixed.</param>
/// <param name="time">The clock the window is measured by.</param>
internal sealed class AdaptiveShare(double share, double max, Func<(TimeSpan ModelBusy, long Dropped)>? load, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    private readonly long _start = time.GetTimestamp();
    private (TimeSpan ModelBusy, long Dropped) _last = load?.Invoke() ?? default;
    private TimeSpan _lastLook;
    private double _current = -1;

    /// <summary>Whether the trainer should not step now.</summary>
    public bool Paused => _current == 0;

    /// <summary>The share for the next rest, looking at inference again once a window has passed.</summary>
    public double Next()
    {
        if (load is null)
        {
            return share;
        }

        var now = time.GetElapsedTime(_start);
        if (now - _lastLook >= Window)
        {
            var current = load();
            var busy = (current.ModelBusy - _last.ModelBusy) / (now - _lastLook);
            _current = current.Dropped > _last.Dropped ? 0 : Math.Clamp(0.9 * (1 - busy), share, Math.Max(share, max));
            (_last, _lastLook) = (current, now);
        }

        return Math.Max(_current, share);
    }
}
