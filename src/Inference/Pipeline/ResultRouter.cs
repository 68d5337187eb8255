using System.Collections.Concurrent;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Scoring;
using StreamJepa.Model;

namespace StreamJepa.Inference.Pipeline;

/// <summary>
/// The result stage: scores each stream's outcomes (one <see cref="StreamScorer"/> per stream) and hands scores,
/// gaps, embeddings and episodes to every sink. Runs on one thread (a Dataflow block with one degree of parallelism).
/// </summary>
internal sealed class ResultRouter
{
    private readonly ScoringOptions _options;
    private readonly int _levels;
    private readonly int _sceneLevel;
    private readonly IReadOnlyDictionary<int, EnergyStats> _priors;
    private readonly IReadOnlyList<IResultSink> _sinks;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, StreamScorer> _scorers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _sources = new(StringComparer.Ordinal);
    private readonly EpisodeContext? _context;
    private readonly IResultSink[] _embeddingSinks;
    private static readonly TimeSpan ShadowStreamGone = TimeSpan.FromSeconds(10);
    private readonly Dictionary<string, long> _shadowStreams = new(StringComparer.Ordinal);
    private long _shadowVersion = -1;
    private long _shadowReady = -1;
    private long _episodes;

    public ResultRouter(ScoringOptions options, (int Count, int Scene) levels, IReadOnlyDictionary<int, EnergyStats> priors, IReadOnlyList<IResultSink> sinks, TimeProvider time, EpisodeContext? context = null)
    {
        _context = context;
        _options = options;
        (_levels, _sceneLevel) = levels;
        _priors = priors;
        _sinks = sinks;
        _embeddingSinks = [.. sinks.Where(s => s.WantsEmbeddings)];
        _time = time;
    }

    /// <summary>The latest score of each stream, for live views.</summary>
    public ConcurrentDictionary<string, FrameScore> Latest { get; } = new(StringComparer.Ordinal);

    public LatencyRecorder Latency { get; } = new();

    public long EpisodesOpened => Interlocked.Read(ref _episodes);

    public long Scored { get; private set; }

    /// <summary>
    /// The version of the weights scored in shadow once every stream that saw them has its baseline for them (read
    /// by the model stage to promote them); -1 until then. A stream that has sent no frame for 10 s (ended, or
    /// reconnecting) is not waited for: it warms up if it comes back.
    /// </summary>
    public long ShadowReadyVersion => Interlocked.Read(ref _shadowReady);

    /// <summary>Baselines kept from an earlier run, by stream id: a stream whose model version matches starts ready.</summary>
    public IReadOnlyDictionary<string, StreamBaselines>? Seeds { get; set; }

    /// <summary>Every stream's own baselines now; call on the result block's thread, or once it has completed.</summary>
    public IReadOnlyDictionary<string, StreamBaselines> Baselines() =>
        _scorers.Select(p => (p.Key, Baselines: p.Value.Baselines())).Where(p => p.Baselines is not null).ToDictionary(p => p.Key, p => p.Baselines!, StringComparer.Ordinal);

    public void Handle(StageItem item)
    {
        switch (item)
        {
            case GapItem gap:
                foreach (var sink in _sinks)
                {
                    sink.OnGap(gap.Gap);
                }

                break;
            case ScoredBatch batch:
                foreach (var outcome in batch.Outcomes)
                {
                    Route(outcome, batch.ModelVersion);
                }

                CheckShadow(batch);
                break;
        }
    }

    public void Finish()
    {
        foreach (var scorer in _scorers.Values)
        {
            foreach (var episode in scorer.Finish())
            {
                Publish(episode);
            }
        }
    }

    private void Route(Engine.FrameOutcome outcome, long modelVersion)
    {
        var header = outcome.Header;
        if (!_scorers.TryGetValue(header.StreamId, out var scorer))
        {
            scorer = new StreamScorer(header.StreamId, _options, _levels, _priors, _time, _sceneLevel);
            if (Seeds?.GetValueOrDefault(header.StreamId) is { } kept)
            {
                scorer.Seed(kept, modelVersion);
            }

            _sources[header.StreamId] = _context?.SourceOf(header.StreamId);    // while the stream is surely known
            _scorers.Add(header.StreamId, scorer);
        }

        var (score, episodes) = scorer.Score(outcome, modelVersion);
        Latency.Add(_time.GetElapsedTime(header.DecodedTimestamp).TotalMilliseconds);
        Scored++;
        Latest[header.StreamId] = score;
        foreach (var sink in _sinks)
        {
            sink.OnScore(score);
        }

        if (_embeddingSinks.Length > 0)
        {
            PublishEmbeddings(outcome, modelVersion);
        }

        foreach (var episode in episodes)
        {
            Publish(episode);
        }
    }

    /// <summary>
    /// While weights are in shadow, notes every stream heard from (in its shadow turn or not) and, once all the live
    /// ones have their baseline for those weights, says so.
    /// </summary>
    private void CheckShadow(ScoredBatch batch)
    {
        if (batch.ShadowVersion is not { } version)
        {
            return;     // no weights in shadow: nothing to wait for
        }

        if (version != _shadowVersion)
        {
            _shadowStreams.Clear();
            _shadowVersion = version;
        }

        var now = _time.GetTimestamp();
        foreach (var outcome in batch.Outcomes)
        {
            _shadowStreams[outcome.Header.StreamId] = now;
        }

        var live = _shadowStreams.Where(s => _time.GetElapsedTime(s.Value, now) < ShadowStreamGone).Select(s => s.Key).ToList();
        if (live.Count > 0 && live.All(s => _scorers[s].ShadowReady(_shadowVersion)))
        {
            Interlocked.Exchange(ref _shadowReady, _shadowVersion);
        }
    }

    private void PublishEmbeddings(Engine.FrameOutcome outcome, long modelVersion)
    {
        var header = outcome.Header;
        var embeddings = new List<Embedding>();
        if (outcome.Pooled is { } pooled)
        {
            embeddings.Add(new Embedding(header.StreamId, header.Sequence, header.PtsMs, 1, modelVersion, pooled));
        }

        embeddings.AddRange(outcome.Windows.Select(w => new Embedding(header.StreamId, header.Sequence, header.PtsMs, w.Level, modelVersion, w.Vector)));
        foreach (var sink in _embeddingSinks)
        {
            embeddings.ForEach(sink.OnEmbedding);
        }
    }

    private void Publish(AnomalyEpisode episode)
    {
        episode = episode with
        {
            Source = _sources.GetValueOrDefault(episode.Stream),
            CheckpointSha256 = _context?.CheckpointSha256,
            Evidence = _context?.EvidenceOf?.Invoke(episode),
        };
        if (episode.State == "opened")
        {
            Interlocked.Increment(ref _episodes);
        }

        foreach (var sink in _sinks)
        {
            sink.OnEpisode(episode);
        }
    }
}
