namespace StreamJepa.Core.Results;

/// <summary>
/// Per-frame records of every stream back in frame order: a <see cref="StreamOrder{T}"/> per stream, so a dropped
/// or damaged frame reported early by its reader takes its place among the scores (JSONL and Kafka sinks alike).
/// </summary>
/// <typeparam name="T">The record.</typeparam>
public sealed class FrameOrder<T>(int maxWaitingPerStream)
{
    private readonly Dictionary<string, StreamOrder<T>> _streams = new(StringComparer.Ordinal);

    /// <summary>Adds a record of <paramref name="stream"/>; returns the records now ready, in frame order.</summary>
    public IEnumerable<T> Add(string stream, long frame, T record)
    {
        if (!_streams.TryGetValue(stream, out var order))
        {
            order = new StreamOrder<T>(maxWaitingPerStream);
            _streams.Add(stream, order);
        }

        return order.Add(frame, record);
    }

    /// <summary>Everything still waiting, stream by stream in frame order (at the end of the run).</summary>
    public IEnumerable<T> Drain() => _streams.Values.SelectMany(order => order.Drain());
}
