using System.Collections.Concurrent;

namespace StreamJepa.Ingest.Pipeline;

/// <summary>
/// The streams of a run by id. The ingest pipeline registers a stream as its source starts; the result side looks
/// streams up (the source an episode names) and acknowledges frames through it to the source that read them (a
/// Kafka offset to commit). It is created before both pipelines, so each is built with it and neither waits for
/// the other.
/// </summary>
/// <param name="time">Clock of the streams' statistics.</param>
public sealed class StreamDirectory(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, StreamStats> _streams = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<ISchemeReader> _acknowledgers = [];

    /// <summary>
    /// Finished streams (ended, stopped or failed) kept; beyond it the earliest finished are forgotten and their ids
    /// may be taken again, so a run that adds and removes sources for ever stays bounded.
    /// </summary>
    public int KeepFinished { get; init; } = 64;

    /// <summary>Finished streams are forgotten once they have been finished this long (null: only <see cref="KeepFinished"/> bounds them).</summary>
    public TimeSpan? KeepFinishedFor { get; init; }

    /// <summary>Every stream started and not yet forgotten, by id.</summary>
    public IReadOnlyCollection<StreamStats> Streams
    {
        get
        {
            ForgetFinished();
            return [.. _streams.Values.OrderBy(s => s.StreamId, StringComparer.Ordinal)];
        }
    }

    /// <summary>The source of stream <paramref name="streamId"/> as it may be shown (credentials redacted), or null for a stream not (or no longer) known.</summary>
    public string? SourceOf(string streamId) => Find(streamId)?.Target;

    /// <summary>The stream of <paramref name="streamId"/>, or null for one not (or no longer) known.</summary>
    public StreamStats? Find(string streamId) => _streams.TryGetValue(streamId, out var stats) ? stats : null;

    /// <summary>The results of frame <paramref name="sequence"/> reached every sink: a source that acknowledges (a Kafka offset) may commit it.</summary>
    public void Acknowledge(string streamId, long sequence)
    {
        foreach (var reader in _acknowledgers)
        {
            reader.Acknowledge(streamId, sequence);
        }
    }

    internal void AddAcknowledger(ISchemeReader reader) => _acknowledgers.Add(reader);

    /// <summary>A new stream for <paramref name="target"/> under <paramref name="id"/>, or under <c>id-2</c>, <c>id-3</c>… while that is taken.</summary>
    internal StreamStats Register(string id, string target)
    {
        ForgetFinished();
        var candidate = id;
        for (var n = 2; ; n++)
        {
            var stats = new StreamStats(candidate, target, time);
            if (_streams.TryAdd(candidate, stats))
            {
                return stats;
            }

            candidate = $"{id}-{n}";
        }
    }

    /// <summary>Forgets the earliest finished streams beyond <see cref="KeepFinished"/>, and those finished longer than <see cref="KeepFinishedFor"/>.</summary>
    private void ForgetFinished()
    {
        var finished = _streams.Values.Where(s => s.Finished).OrderBy(s => s.FinishOrder).ToList();
        var expired = KeepFinishedFor is { } keep ? finished.Count(s => s.FinishedFor > keep) : 0;
        foreach (var stream in finished.Take(Math.Max(finished.Count - KeepFinished, expired)))
        {
            _streams.TryRemove(stream.StreamId, out _);
        }
    }
}
