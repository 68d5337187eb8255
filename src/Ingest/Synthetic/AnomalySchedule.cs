namespace StreamJepa.Ingest.Synthetic;

/// <summary>
/// The anomalies of a scene, derived from its seed: the j-th starts near <c>warmup + j·every</c> (jittered by
/// up to a quarter of <c>every</c>), lasts <c>anomalyLength</c> frames and takes the next kind in turn.
/// Computed on demand, so an endless scene has an endless schedule.
/// </summary>
public sealed class AnomalySchedule
{
    private readonly SyntheticSceneOptions _options;

    public AnomalySchedule(SyntheticSceneOptions options)
    {
        _options = options;
    }

    public SceneAnomaly? At(long frame)
    {
        if (_options.AnomalyEvery <= 0 || _options.Kinds.Count == 0 || frame < _options.Warmup)
        {
            return null;
        }

        var j = (frame - _options.Warmup) / _options.AnomalyEvery;
        for (var k = Math.Max(0, j - 1); k <= j + 1; k++)
        {
            var anomaly = Nth(k);
            if (anomaly.Contains(frame))
            {
                return anomaly;
            }
        }

        return null;
    }

    /// <summary>All anomalies that start before <paramref name="frames"/> and end within it.</summary>
    public IReadOnlyList<SceneAnomaly> Until(long frames)
    {
        var list = new List<SceneAnomaly>();
        if (_options.AnomalyEvery <= 0 || _options.Kinds.Count == 0)
        {
            return list;
        }

        for (long j = 0; ; j++)
        {
            var anomaly = Nth(j);
            if (anomaly.EndFrame > frames)
            {
                return list;
            }

            list.Add(anomaly);
        }
    }

    private SceneAnomaly Nth(long j)
    {
        var rng = new Random(unchecked((_options.Seed * 7919) + ((int)j * 104729) + 0x5EED));
        var every = _options.AnomalyEvery;
        var slack = Math.Max(0, (every - _options.AnomalyLength) / 4);
        var start = _options.Warmup + (j * every) + rng.NextInt64(0, slack + 1);
        var kind = _options.Kinds[(int)(j % _options.Kinds.Count)];
        int? target = kind is SceneAnomalyKind.WrongSpeed or SceneAnomalyKind.WrongDirection
            ? rng.Next(_options.Objects)
            : null;
        return new SceneAnomaly(kind, start, start + _options.AnomalyLength, target);
    }
}
