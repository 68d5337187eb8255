using StreamJepa.Core.Configuration;
using StreamJepa.Core.Frames;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Engine;

namespace StreamJepa.Inference.Scoring;

/// <summary>
/// Turns one stream's frame outcomes into scores: per-level surprise from running robust statistics (the
/// checkpoint's until the stream has its own first <c>minSamples</c> energies; after that, energies inside an
/// episode or themselves surprising are not learned as normal), the combined score (the most surprised of the
/// <c>alertLevels</c>), and anomaly episodes. A stream is warming up, scored but never alerting, until the model's
/// context has filled and every alert level has the stream's own baseline for the model version that scores it. A
/// picture repeated exactly is no evidence about the scene: it teaches no baseline, opens no surprise episode, and
/// <c>frozenAfter</c> repeats in a row make a "frozen" episode of their own.
/// </summary>
internal sealed class StreamScorer
{
    private readonly ScoringOptions _options;
    private readonly RobustStats[] _stats;
    private readonly double?[] _surprise;
    private readonly EpisodeTracker _episodes;
    private readonly FrozenFeed _frozen;
    private long _version = -1;
    private long _episodeIds;

    public StreamScorer(string stream, ScoringOptions options, int levels, IReadOnlyDictionary<int, (double Median, double Mad)> priors)
    {
        _options = options;
        _stats = [.. Enumerable.Range(1, levels).Select(l => new RobustStats(options.Window, options.MinSamples, priors.TryGetValue(l, out var p) ? p : null))];
        _surprise = new double?[levels];
        _episodes = new EpisodeTracker(stream, options, levels, NextId);
        _frozen = new FrozenFeed(stream, options);
    }

    public bool AnomalyOpen => _episodes.IsOpen || _frozen.IsOpen;

    /// <summary>Scores one frame; returns its score and the episodes that opened, updated or closed at it.</summary>
    public (FrameScore Score, IReadOnlyList<AnomalyEpisode> Episodes) Score(FrameOutcome outcome, long modelVersion)
    {
        var header = outcome.Header;
        if (outcome.Error is not null)
        {
            return (new FrameScore(header.StreamId, header.Sequence, header.PtsMs, null, [], AnomalyOpen, modelVersion, outcome.Error), []);
        }

        RestartBaselineOnNewModel(modelVersion);
        var repeats = _options.FrozenAfter > 0 ? outcome.Repeats : 0;

        // Ready: every alert level judges this frame by the stream's own baseline (counted before the frame adds to it).
        var ready = _options.AlertLevels.All(l => l > _stats.Length || _stats[l - 1].Count >= _options.MinSamples);
        var levels = new LevelScore[_stats.Length];
        for (var l = 0; l < _stats.Length; l++)
        {
            var value = outcome.Levels[l];
            if (value is { } v && outcome.Fresh[l])
            {
                _surprise[l] = TwoSided(_stats[l].Surprise(v.Free), l);

                // The stream's own baseline is always collected first (it takes over from the checkpoint's); after
                // that, energies inside an episode or surprising in themselves are not learned as normal, and a
                // repeated picture never is.
                var warmingUp = _stats[l].Count < _options.MinSamples;
                var normal = repeats == 0 && (warmingUp || (!AnomalyOpen && (_surprise[l] is null || _surprise[l] < _options.OnThreshold)));
                if (normal)
                {
                    _stats[l].Add(v.Free);
                }
            }

            levels[l] = new LevelScore(l + 1, value?.Energy, value?.Free, value is null ? null : _surprise[l]);
        }

        var combined = levels[0].Surprise is null ? null : Combined(levels);
        ready &= combined is not null;
        if (repeats > 0)
        {
            combined = Math.Max(combined ?? double.MinValue, _options.OnThreshold * repeats / _options.FrozenAfter);
        }

        var episodes = Episodes(header, combined, levels, outcome, repeats, ready, modelVersion);
        var map = _options.EnergyMaps ? outcome.EnergyMap : null;
        var score = new FrameScore(header.StreamId, header.Sequence, header.PtsMs, combined, levels, AnomalyOpen, modelVersion, EnergyMap: map, WarmingUp: !ready, Repeats: repeats);
        return (score, episodes);
    }

    public IReadOnlyList<AnomalyEpisode> Finish() => [.. new[] { _episodes.Finish(), _frozen.Finish() }.OfType<AnomalyEpisode>()];

    /// <summary>
    /// Feeds the frame to the frozen-feed check and, when the stream is ready and the picture changed, to the
    /// surprise hysteresis. A feed that freezes closes an open surprise episode first: what follows is no evidence.
    /// </summary>
    private List<AnomalyEpisode> Episodes(FrameHeader header, double? combined, LevelScore[] levels, FrameOutcome outcome, int repeats, bool ready, long modelVersion)
    {
        var episodes = new List<AnomalyEpisode>(0);
        if (repeats > 0 && repeats >= _options.FrozenAfter && _episodes.IsOpen && _episodes.Finish() is { } interrupted)
        {
            episodes.Add(interrupted);
        }

        if (_frozen.Update(header.Sequence, header.PtsMs, repeats, combined ?? 0, modelVersion, NextId) is { } frozen)
        {
            episodes.Add(frozen);
        }

        if (ready && repeats == 0 && _episodes.Update(header.Sequence, header.PtsMs, combined, [.. levels.Select(l => l.Surprise)], outcome.EnergyMap, modelVersion) is { } surprise)
        {
            episodes.Add(surprise);
        }

        return episodes;
    }

    private long NextId() => ++_episodeIds;

    /// <summary>The most surprised of the <c>alertLevels</c> that have a surprise, or null when none has.</summary>
    private double? Combined(LevelScore[] levels)
    {
        double? combined = null;
        foreach (var level in levels)
        {
            if (level.Surprise is { } s && _options.AlertLevels.Contains(level.Level) && (combined is null || s > combined))
            {
                combined = s;
            }
        }

        return combined;
    }

    /// <summary>max(z, −w·z) with level <paramref name="l"/>'s <c>lowEnergyWeights</c> w: energy far below normal is surprising too when w is above 0.</summary>
    private double? TwoSided(double? z, int l) =>
        z is { } v && l < _options.LowEnergyWeights.Count && _options.LowEnergyWeights[l] > 0 ? Math.Max(v, -_options.LowEnergyWeights[l] * v) : z;

    /// <summary>
    /// New weights put energies on a new scale: the stream's baseline is measured again from scratch (the
    /// checkpoint's statistics belong to the weights it was loaded with, so they only serve the first version), and
    /// the stream warms up again meanwhile.
    /// </summary>
    private void RestartBaselineOnNewModel(long modelVersion)
    {
        if (_version >= 0 && _version != modelVersion)
        {
            for (var l = 0; l < _stats.Length; l++)
            {
                _stats[l] = new RobustStats(_options.Window, _options.MinSamples, prior: null);
                _surprise[l] = null;
            }
        }

        _version = modelVersion;
    }
}
