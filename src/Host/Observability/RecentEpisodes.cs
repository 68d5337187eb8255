using StreamJepa.Core.Results;

namespace StreamJepa.Host.Observability;

/// <summary>
/// The latest message of each of the run's last episodes, newest first, for the web view: a result sink written by
/// the result block, read by the web server's threads.
/// </summary>
/// <param name="capacity">Episodes kept; beyond it the oldest is forgotten.</param>
internal sealed class RecentEpisodes(int capacity = 50) : IResultSink
{
    private readonly LinkedList<AnomalyEpisode> _episodes = new();
    private readonly Lock _gate = new();

    public bool WantsEmbeddings => false;

    /// <summary>The kept episodes, the most recently opened first.</summary>
    public IReadOnlyList<AnomalyEpisode> Snapshot()
    {
        lock (_gate)
        {
            return [.. _episodes];
        }
    }

    public void OnEpisode(AnomalyEpisode episode)
    {
        lock (_gate)
        {
            for (var node = _episodes.First; node is not null; node = node.Next)
            {
                if (node.Value.Id == episode.Id)
                {
                    node.Value = episode;
                    return;
                }
            }

            _episodes.AddFirst(episode);
            if (_episodes.Count > capacity)
            {
                _episodes.RemoveLast();
            }
        }
    }

    public void OnScore(FrameScore score)
    {
    }

    public void OnGap(FrameGap gap)
    {
    }

    public void OnEmbedding(Embedding embedding)
    {
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
