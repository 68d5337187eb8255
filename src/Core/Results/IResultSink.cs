namespace StreamJepa.Core.Results;

/// <summary>Where results go. Calls come from one thread at a time, in order per stream.</summary>
public interface IResultSink : IAsyncDisposable
{
    void OnScore(FrameScore score);

    void OnGap(FrameGap gap);

    /// <summary>Whether <see cref="OnEmbedding"/> is wanted at all (embedding records are not made otherwise).</summary>
    bool WantsEmbeddings { get; }

    void OnEmbedding(Embedding embedding);

    void OnEpisode(AnomalyEpisode episode);

    /// <summary>Writes out what was accepted so far.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);
}
