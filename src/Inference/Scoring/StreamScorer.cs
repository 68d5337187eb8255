using StreamJepa.Core.Frames;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Engine;
using StreamJepa.Model;

namespace StreamJepa.Inference.Scoring;

/// <summary>
/// Turns one stream's frame outcomes into scores: per-level surprise from running robust statistics (the
/// checkpoint's until the stream has its own first <c>minSamples</c> energies; after that, energies inside an
/// episode or themselves surprising are not learned as normal), divided where the level's normal surprise has a heavy
/// tail so that the on-threshold sits where normal video reaches with <c>tailRisk</c> per frame (<see
/// cref="TailCalibration"/>; the tail stays with the stream when weights change), the combined score (the most surprised of the
/// <c>alertLevels</c> and the scene level, when there is one), and anomaly episodes. A stream is warming up, scored
/// but never alerting, until the model's context has filled and every alert level has the stream's own baseline for
/// the model version that scores it (with no checkpoint statistics, also until every level that alerts has its own
/// tail). A picture repeated exactly is no evidence about the scene: it teaches no baseline, opens no surprise episode,
/// and <c>frozenAfter</c> repeats in a row make a "frozen" episode of their own.
/// While new weights are scored in shadow, the frames the served weights judge normal measure how the new weights'
/// energies relate to the served ones on the same frames; at the swap the stream's baseline window is carried over on
/// the new scale (<see cref="RestartBaselineOnNewModel"/>).
/// </summary>
internal sealed class StreamScorer
{
    private readonly ScoringOptions _options;
    private readonly RobustStats[] _stats;
    private readonly TailCalibration[] _tails;
    private readonly long[] _alarms;
    private readonly List<double>[] _unlearnt;
    private readonly Queue<long>[] _episodeEnds;
    private readonly double?[] _surprise;
    private readonly EpisodeTracker _episodes;
    private readonly FrozenFeed _frozen;
    private long _version = -1;
    private RobustStats[]? _shadowStats;
    private RingWindow[]? _shadowRatios;
    private long _shadowVersion = -1;
    private readonly TimeProvider _time;
    private readonly int _sceneLevel;
    private bool _tailsReady;
    private long _episodeIds;

    /// <summary>
    /// A scorer for <paramref name="stream"/> of <paramref name="levels"/> levels, of which <paramref name="sceneLevel"/>
    /// (0: none) is the scene level; <paramref name="time"/> (the system clock by default) dates frames and names episodes.
    /// </summary>
    public StreamScorer(string stream, ScoringOptions options, int levels, IReadOnlyDictionary<int, EnergyStats> priors, TimeProvider? time = null, int sceneLevel = 0)
    {
        _options = options;
        _sceneLevel = sceneLevel;
        _time = time ?? TimeProvider.System;
        _stats = [.. Enumerable.Range(1, levels).Select(l => new RobustStats(options.Window, options.MinSamples, priors.TryGetValue(l, out var p) ? (p.Median, p.Mad) : null))];
        _tails = [.. Enumerable.Range(1, levels).Select(l => new TailCalibration(options.TailWindow, options.TailMinSamples, priors.TryGetValue(l, out var p) ? p.Tail : null))];
        _tailsReady = options.TailRisk <= 0 || priors.Count > 0;
        _surprise = new double?[levels];
        _alarms = new long[levels];
        _unlearnt = [.. Enumerable.Range(0, levels).Select(_ => new List<double>())];
        _episodeEnds = [.. Enumerable.Range(0, levels).Select(_ => new Queue<long>())];
        _episodes = new EpisodeTracker(stream, options, levels, NextId);
        _frozen = new FrozenFeed(stream, options);
    }

    public bool AnomalyOpen => _episodes.IsOpen || _frozen.IsOpen;

    /// <summary>True when the stream has its own baseline at every alert level for the weights of <paramref name="version"/>, scored in shadow.</summary>
    public bool ShadowReady(long version) =>
        _shadowVersion == version && _shadowStats is { } stats && Ready(stats);

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
        var ready = Ready(_stats) && TailsReady();
        var levels = new LevelScore[_stats.Length];
        for (var l = 0; l < _stats.Length; l++)
        {
            var value = outcome.Levels[l];
            if (value is { } v && outcome.Fresh[l])
            {
                var z = _stats[l].Surprise(v.Free);
                _surprise[l] = TwoSided(z / _tails[l].Divisor(_options.TailRisk, _options.OnThreshold), l);

                // The stream's own baseline is always collected first (it takes over from the checkpoint's); after
                // that, energies inside an episode or surprising in themselves are not learned as normal, and a
                // repeated picture never is.
                var warmingUp = _stats[l].Count < _options.MinSamples;
                var normal = repeats == 0 && (warmingUp || (!AnomalyOpen && (_surprise[l] is null || _surprise[l] < _options.OnThreshold)));
                if (normal)
                {
                    _stats[l].Add(v.Free);
                }

                // The tail learns every surprise under the stream's own baseline while it calibrates (the rare
                // moments it must learn are the ones above the plain on-threshold), then those below its threshold
                // and one in tailAlarmEvery of those above: a moment that alarms again and again is normal after all.
                if (!warmingUp && repeats == 0 && z is { } own)
                {
                    if (_tails[l].Calibrating || _surprise[l] < _options.OnThreshold || AlarmLearnt(l))
                    {
                        _tails[l].Add(own);
                    }
                    else if (_unlearnt[l].Count < _options.TailWindow)
                    {
                        _unlearnt[l].Add(own);     // learnt if its episode turns out to be one that recurs
                    }
                }
            }

            levels[l] = new LevelScore(l + 1, value?.Energy, value?.Free, value is null ? null : _surprise[l]);
        }

        var most = levels[0].Surprise is null ? null : MostSurprised(levels);
        var combined = most?.Surprise;
        ready &= combined is not null;
        if (repeats > 0)
        {
            combined = Math.Max(combined ?? double.MinValue, _options.OnThreshold * repeats / _options.FrozenAfter);
        }

        var episodes = Episodes(header, combined, most, levels, outcome, repeats, ready, modelVersion);
        LearnShadow(outcome, repeats);
        var map = _options.EnergyMaps ? outcome.EnergyMap : null;
        var score = new FrameScore(header.StreamId, header.Sequence, header.PtsMs, combined, levels, AnomalyOpen, modelVersion, EnergyMap: map, WarmingUp: !ready, Repeats: repeats);
        return (score, episodes);
    }

    public IReadOnlyList<AnomalyEpisode> Finish() => [.. new[] { _episodes.Finish(), _frozen.Finish() }.OfType<AnomalyEpisode>()];

    /// <summary>
    /// Feeds the frame to the frozen-feed check and, when the stream is ready and the picture changed, to the
    /// surprise hysteresis. A feed that freezes closes an open surprise episode first: what follows is no evidence.
    /// </summary>
    private List<AnomalyEpisode> Episodes(FrameHeader header, double? combined, LevelScore? most, LevelScore[] levels, FrameOutcome outcome, int repeats, bool ready, long modelVersion)
    {
        var episodes = new List<AnomalyEpisode>(0);
        var at = new FrameMoment(header.Sequence, header.PtsMs, _time.GetUtcNow() - _time.GetElapsedTime(header.DecodedTimestamp), header.SourceWidth, header.SourceHeight);
        if (repeats > 0 && repeats >= _options.FrozenAfter && _episodes.IsOpen && _episodes.Finish() is { } interrupted)
        {
            episodes.Add(interrupted);
        }

        if (_frozen.Update(at, repeats, combined ?? 0, modelVersion, NextId) is { } frozen)
        {
            episodes.Add(frozen);
        }

        if (ready && repeats == 0 && _episodes.Update(at, combined, [.. levels.Select(l => l.Surprise)], Evidence(outcome, most), modelVersion) is { } surprise)
        {
            episodes.Add(surprise);
            if (surprise.State == "closed")
            {
                LearnRecurring(surprise.FiredLevels, header.Sequence);
            }
        }

        return episodes;
    }

    /// <summary>
    /// The energy map an episode takes its cells and box from at this frame: the scene level's when it is the
    /// <paramref name="most"/> surprised level, else level 1's.
    /// </summary>
    private EnergyMap? Evidence(FrameOutcome outcome, LevelScore? most) =>
        most is not null && most.Level == _sceneLevel && outcome.SceneMap is { } scene ? scene : outcome.EnergyMap;

    private EpisodeIdentity NextId() => new(++_episodeIds, Guid.CreateVersion7(_time.GetUtcNow()).ToString());

    /// <summary>
    /// True when every level of <c>alertLevels</c> has the stream's own baseline. The scene level does not hold the
    /// stream back: it has no checkpoint statistics, so its surprise joins the combined score only once the stream's
    /// own baseline for it is measured.
    /// </summary>
    private bool Ready(RobustStats[] stats) =>
        _options.AlertLevels.All(l => l > stats.Length || stats[l - 1].Count >= _options.MinSamples);

    /// <summary>
    /// With no checkpoint statistics at all (fresh weights), nothing tells how far this stream's normal surprise
    /// reaches until the stream has measured it: it warms up until every level that alerts has its own tail
    /// (<c>tailMinSamples</c> normal surprises, about two minutes at 10 fps), so that its first alarm is at the
    /// configured risk and not at the plain z-score of a few seconds of video. A checkpoint's tail stands in otherwise.
    /// Once ready it stays so (a tail only grows), so the levels are looked at only until then.
    /// </summary>
    private bool TailsReady() =>
        _tailsReady || (_tailsReady = Enumerable.Range(1, _tails.Length).Where(Alerts).All(l => !_tails[l - 1].Calibrating));

    /// <summary>
    /// At an episode's close: each level it fired that has closed <c>tailRecurrences</c> episodes within the tail window
    /// (this one included) learns this episode's alarming surprises; every level's unlearnt alarms are then forgotten.
    /// </summary>
    private void LearnRecurring(IReadOnlyList<int> fired, long frame)
    {
        foreach (var level in fired.Where(l => l <= _episodeEnds.Length))
        {
            var ends = _episodeEnds[level - 1];
            while (ends.Count > 0 && frame - ends.Peek() > _options.TailWindow)
            {
                ends.Dequeue();
            }

            ends.Enqueue(frame);
            if (_options.TailRecurrences > 0 && ends.Count >= _options.TailRecurrences)
            {
                _unlearnt[level - 1].ForEach(_tails[level - 1].Add);
            }
        }

        Array.ForEach(_unlearnt, u => u.Clear());
    }

    /// <summary>Counts an alarming surprise at level <paramref name="l"/>; true for one in every <c>tailAlarmEvery</c> (never when 0).</summary>
    private bool AlarmLearnt(int l) => _options.TailAlarmEvery > 0 && ++_alarms[l] % _options.TailAlarmEvery == 0;

    /// <summary>True for the levels whose surprise makes the combined score: the <c>alertLevels</c> and the scene level.</summary>
    private bool Alerts(int level) => level == _sceneLevel || _options.AlertLevels.Contains(level);

    /// <summary>
    /// Adds the shadow weights' energies of a frame to their baseline when the served weights found the frame normal
    /// (no episode open, the picture changed) and, once the baseline has its first samples, the energy itself is
    /// not surprising under it; with it, the ratio of the shadow's free energy to the served weights' on that frame.
    /// </summary>
    private void LearnShadow(FrameOutcome outcome, int repeats)
    {
        if (outcome.Shadow is not { } shadow)
        {
            return;
        }

        if (_shadowStats is null || _shadowRatios is null || _shadowVersion != shadow.ModelVersion)
        {
            _shadowStats = [.. _stats.Select(_ => new RobustStats(_options.Window, _options.MinSamples, prior: null))];
            _shadowRatios = [.. _stats.Select(_ => new RingWindow(_options.Window))];
            _shadowVersion = shadow.ModelVersion;
        }

        for (var l = 0; l < _shadowStats.Length; l++)
        {
            if (shadow.Levels[l] is not { } v || !shadow.Fresh[l] || repeats > 0 || AnomalyOpen)
            {
                continue;
            }

            var stats = _shadowStats[l];
            if (stats.Count < _options.MinSamples || stats.Surprise(v.Free) / _tails[l].Divisor(_options.TailRisk, _options.OnThreshold) < _options.OnThreshold)
            {
                stats.Add(v.Free);
                if (outcome.Levels[l] is { } served && outcome.Fresh[l] && served.Free > 0 && v.Free > 0)
                {
                    _shadowRatios[l].Add(v.Free / served.Free);
                }
            }
        }
    }

    /// <summary>
    /// The most surprised of the alerting levels (<see cref="Alerts"/>) that have a surprise, the first of equals; null
    /// when none has. Its surprise is the frame's combined score.
    /// </summary>
    private LevelScore? MostSurprised(LevelScore[] levels) =>
        levels.Where(l => l.Surprise is not null && Alerts(l.Level)).MaxBy(l => l.Surprise);

    /// <summary>max(z, −w·z) with level <paramref name="l"/>'s <c>lowEnergyWeights</c> w: energy far below normal is surprising too when w is above 0.</summary>
    private double? TwoSided(double? z, int l) =>
        z is { } v && l < _options.LowEnergyWeights.Count && _options.LowEnergyWeights[l] > 0 ? Math.Max(v, -_options.LowEnergyWeights[l] * v) : z;

    /// <summary>The stream's own baselines, per level (values oldest first), and the model version they belong to; null before its first frame.</summary>
    public StreamBaselines? Baselines() =>
        _version < 0 ? null : new StreamBaselines(_version, [.. _stats.Select(s => s.Values())]) { Tails = [.. _tails.Select(t => t.Values())] };

    /// <summary>
    /// Starts the stream from baselines kept from an earlier run of the same model version (it is then ready at once);
    /// call before its first frame. Baselines of another version or level count are ignored; the tails, which stay
    /// with the stream when weights change, are taken whenever the level count matches.
    /// </summary>
    public bool Seed(StreamBaselines kept, long modelVersion)
    {
        if (_version >= 0 || kept.Levels.Count != _stats.Length)
        {
            return false;
        }

        if (kept.Tails is { } tails && tails.Count == _tails.Length)
        {
            for (var l = 0; l < _tails.Length; l++)
            {
                _tails[l].Seed(tails[l]);
            }
        }

        if (kept.ModelVersion != modelVersion)
        {
            return false;
        }

        for (var l = 0; l < _stats.Length; l++)
        {
            foreach (var value in kept.Levels[l])
            {
                _stats[l].Add(value);
            }
        }

        return true;
    }

    /// <summary>
    /// New weights put energies on a new scale. Where the shadow scoring paired at least <c>minSamples</c> of the new
    /// weights' energies with the served weights' on the same normal frames, the stream's baseline window is carried
    /// over multiplied by the median ratio of the pairs: the new baseline keeps the spread of the whole window (every
    /// normal moment of the last <c>window</c> frames, not only those of the few seconds in shadow, which may have been
    /// calm), so a normal moment after the swap is judged as it was before it. Otherwise the shadow's own baseline takes
    /// over; without one (weights swapped in unshadowed, or a stream that joined late) it is measured again from
    /// scratch, the checkpoint's statistics belonging to the weights it was loaded with, and the stream warms up meanwhile.
    /// </summary>
    private void RestartBaselineOnNewModel(long modelVersion)
    {
        if (_version >= 0 && _version != modelVersion)
        {
            var shadowed = _shadowVersion == modelVersion;
            for (var l = 0; l < _stats.Length; l++)
            {
                _stats[l] = shadowed ? Carried(l) : new RobustStats(_options.Window, _options.MinSamples, prior: null);
                _surprise[l] = null;
            }

            _shadowStats = null;
            _shadowRatios = null;
            _shadowVersion = -1;
        }

        _version = modelVersion;
    }

    /// <summary>Level <paramref name="l"/>'s baseline for the shadow weights about to serve (see <see cref="RestartBaselineOnNewModel"/>).</summary>
    private RobustStats Carried(int l)
    {
        var ratios = _shadowRatios![l];
        if (ratios.Count < _options.MinSamples || _stats[l].Count < _options.MinSamples)
        {
            return _shadowStats![l];
        }

        var sorted = ratios.Held.ToArray();
        Array.Sort(sorted);
        var scale = RobustStats.Median(sorted);
        var carried = new RobustStats(_options.Window, _options.MinSamples, prior: null);
        foreach (var value in _stats[l].Values())
        {
            carried.Add(value * scale);
        }

        return carried;
    }
}
