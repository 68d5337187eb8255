namespace StreamJepa.Core.Results;

/// <summary>
/// Puts one stream's per-frame records back in frame order. Scores arrive in order, but a dropped or damaged
/// frame is reported by its reader while earlier frames may still be in the model; every frame gets exactly one
/// record, so a record waits here until the frames before it have theirs.
/// </summary>
/// <typeparam name="T">The record.</typeparam>
public sealed class StreamOrder<T>
{
    private readonly SortedDictionary<long, T> _waiting = [];
    private readonly int _maxWaiting;
    private long _next;

    public StreamOrder(int maxWaiting)
    {
        _maxWaiting = maxWaiting;
    }

    /// <summary>Gaps skipped because a record never came (the bound was reached, or the stream ended).</summary>
    public long Skipped { get; private set; }

    /// <summary>Adds a record; returns those now ready, in order.</summary>
    public IEnumerable<T> Add(long frame, T record)
    {
        if (frame < _next)
        {
            // A frame already passed: a repeat delivered again (at-least-once sources) goes straight out.
            return [record];
        }

        _waiting[frame] = record;
        if (_waiting.Count > _maxWaiting)
        {
            var first = _waiting.Keys.First();
            Skipped += first - _next;
            _next = first;
        }

        return Ready();
    }

    /// <summary>Everything still waiting, in order (at the end of the stream).</summary>
    public IEnumerable<T> Drain()
    {
        while (_waiting.Count > 0)
        {
            var first = _waiting.Keys.First();
            Skipped += first - _next;
            _next = first;
            foreach (var record in Ready())
            {
                yield return record;
            }
        }
    }

    private IEnumerable<T> Ready()
    {
        var ready = new List<T>();
        while (_waiting.Remove(_next, out var record))
        {
            ready.Add(record);
            _next++;
        }

        return ready;
    }
}
