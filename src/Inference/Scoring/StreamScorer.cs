using StreamJepa.Core.Configuration;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Engine;

namespace StreamJepa.Inference.Scoring;

/// <summary>
/// Turns one stream's frame outcomes into scores: per-level surprise from running robust statistics (the
/// checkpoint's until the stream has its own first <c>minSamples</c> energies; after that, energies inside an
/// episode or themselves surprising are not learned as normal), the combined score (the most surprised of the
/// <c>alertLevels</c>), and anomaly episodes.
/// </summary>
internal sealed class StreamScorer
{
    private readonly ScoringOptions _options;
    private readonly RobustStats[] _stats;
    private readonly double?[] _surprise;
    private readonly EpisodeTracker _episodes;
    private long? _version;

    public StreamScorer(string stream, ScoringOptions options, int levels, int grid, IReadOnlyDictionary<int, (double Median, double Mad)> priors)
    {
        _options = options;
        _stats = [.. Enumerable.Range(1, levels).Select(l => new RobustStats(options.Window, options.MinSamples, priors.TryGetValue(l, out var p) ? p : null))];
        _surprise = new double?[levels];
        _episodes = new EpisodeTracker(stream, options, levels, grid);
    }

    public bool AnomalyOpen => _episodes.IsOpen;

    public (FrameScore Score, AnomalyEpisode? Episode) Score(FrameOutcome outcome, long modelVersion)
    {
        var header = outcome.Header;
        if (outcome.Error is not null)
        {
            return (new FrameScore(header.StreamId, header.Sequence, header.PtsMs, null, [], _episodes.IsOpen, modelVersion, outcome.Error), null);
        }

        RestartBaselineOnNewModel(modelVersion);
        var levels = new LevelScore[_stats.Length];
        for (var l = 0; l < _stats.Length; l++)
        {
            var value = outcome.Levels[l];
            if (value is { } v && outcome.Fresh[l])
            {
                _surprise[l] = TwoSided(_stats[l].Surprise(v.Free), l);

                // The stream's own baseline is always collected first (it takes over from the checkpoint's); after
                // that, energies inside an episode or surprising in themselves are not learned as normal.
                var warmingUp = _stats[l].Count < _options.MinSamples;
                var normal = warmingUp || (!_episodes.IsOpen && (_surprise[l] is null || _surprise[l] < _options.OnThreshold));
                if (normal)
                {
                    _stats[l].Add(v.Free);
                }
            }

            levels[l] = new LevelScore(l + 1, value?.Energy, value?.Free, value is null ? null : _surprise[l]);
        }

        var combined = levels[0].Surprise is null ? null : Combined(levels);
        var episode = _episodes.Update(header.Sequence, header.PtsMs, combined, [.. levels.Select(l => l.Surprise)], outcome.EnergyMap, modelVersion);
        var map = _options.EnergyMaps ? outcome.EnergyMap : null;
        var score = new FrameScore(header.StreamId, header.Sequence, header.PtsMs, combined, levels, _episodes.IsOpen, modelVersion, EnergyMap: map);
        return (score, episode);
    }

    public AnomalyEpisode? Finish() => _episodes.Finish();

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
    /// checkpoint's statistics belong to the weights it was loaded with, so they only serve the first version).
    /// </summary>
    private void RestartBaselineOnNewModel(long modelVersion)
    {
        if (_version is { } previous && previous != modelVersion)
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
