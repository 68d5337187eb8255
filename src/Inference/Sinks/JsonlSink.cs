using System.Text.Json;
using StreamJepa.Core.Configuration;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;

namespace StreamJepa.Inference.Sinks;

/// <summary>
/// Writes results as JSON Lines: per-frame scores (and dropped/damaged frames) in frame order per stream,
/// anomaly episodes, and embeddings, each to its own file when configured.
/// </summary>
public sealed class JsonlSink : IResultSink
{
    private const int MaxWaitingPerStream = 4096;
    private readonly JsonlFile? _scores;
    private readonly JsonlFile? _episodes;
    private readonly JsonlFile? _embeddings;
    private readonly FrameOrder<object> _order = new(MaxWaitingPerStream);

    public JsonlSink(OutputOptions output)
    {
        _scores = JsonlFile.Open(output.Scores, "output.scores");
        _episodes = JsonlFile.Open(output.Episodes, "output.episodes");
        _embeddings = JsonlFile.Open(output.Embeddings, "output.embeddings");
    }

    public void OnScore(FrameScore score) => Ordered(score.Stream, score.Frame, score);

    public void OnGap(FrameGap gap) => Ordered(gap.Stream, gap.Frame, gap);

    public bool WantsEmbeddings => _embeddings is not null;

    public void OnEmbedding(Embedding embedding) => _embeddings?.Write(json => ResultJson.Write(json, embedding));

    public void OnEpisode(AnomalyEpisode episode) =>
        _episodes?.Write(json => JsonSerializer.Serialize(json, episode, ConfigDocument.JsonOptions));

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var file in Files())
        {
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var record in _order.Drain())
        {
            WriteFrameRecord(record);
        }

        foreach (var file in Files())
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
    }

    private IEnumerable<JsonlFile> Files() => new[] { _scores, _episodes, _embeddings }.OfType<JsonlFile>();

    private void Ordered(string stream, long frame, object record)
    {
        if (_scores is null)
        {
            return;
        }

        foreach (var ready in _order.Add(stream, frame, record))
        {
            WriteFrameRecord(ready);
        }
    }

    private void WriteFrameRecord(object record)
    {
        switch (record)
        {
            case FrameScore score:
                _scores!.Write(json => ResultJson.Write(json, score));
                break;
            case FrameGap gap:
                _scores!.Write(json => ResultJson.Write(json, gap));
                break;
        }
    }
}
