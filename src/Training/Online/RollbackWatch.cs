using System.Globalization;
using StreamJepa.Core.Results;

namespace StreamJepa.Training.Online;

/// <summary>
/// Watches how often each served model version opens episodes, per hour of video it scored over all streams, and
/// asks for a rollback when a version opens clearly more than the version it replaced: at least
/// <c>minEpisodes</c>, and so many that the replaced version's rate makes that many less likely than
/// <see cref="Confidence"/> (a one-sided Poisson test). The replaced version's rate is taken as (episodes + 1) / hours,
/// its hours counted as at least the new version's: a quiet record is not read as a rate of zero, and a short one (the
/// first model often serves only minutes before the first promotion) is not read as a high rate. On normal video every episode is a
/// false alarm, so a rise after a promotion is the new weights' doing. Frozen-feed episodes are not counted (no
/// model causes them). A sink: it sees every score and episode on the result block's thread.
/// </summary>
/// <param name="minEpisodes">Episodes a version must open before it can be rolled back.</param>
/// <param name="maxGap">The longest gap between two frames of a stream counted as scored video.</param>
public sealed class RollbackWatch(int minEpisodes, TimeSpan? maxGap = null) : IResultSink
{
    /// <summary>How unlikely the rise must be under the replaced version's rate.</summary>
    public const double Confidence = 0.01;

    private readonly double _maxGapMs = (maxGap ?? TimeSpan.FromSeconds(2)).TotalMilliseconds;
    private readonly Dictionary<long, Record> _versions = [];
    private readonly Dictionary<string, double> _lastPts = new(StringComparer.Ordinal);
    private readonly HashSet<long> _asked = [];
    private long? _newest;

    /// <summary>Called with the version to roll back and why; set before frames flow (null: the watch only counts).</summary>
    public Action<long, string>? RollBack { get; set; }

    public bool WantsEmbeddings => false;

    /// <summary>Episodes a version opened and the hours of video it scored, for logs and tests.</summary>
    public (long Episodes, double Hours) Of(long version) =>
        _versions.TryGetValue(version, out var r) ? (r.Episodes, r.Milliseconds / 3_600_000) : (0, 0);

    public void OnScore(FrameScore score)
    {
        var record = RecordOf(score.ModelVersion);
        if (_lastPts.TryGetValue(score.Stream, out var last) && score.PtsMs > last)
        {
            record.Milliseconds += Math.Min(score.PtsMs - last, _maxGapMs);
        }

        _lastPts[score.Stream] = score.PtsMs;
    }

    public void OnGap(FrameGap gap)
    {
    }

    public void OnEmbedding(Embedding embedding)
    {
    }

    public void OnEpisode(AnomalyEpisode episode)
    {
        if (episode.State != "opened" || episode.Kind != AnomalyEpisode.Surprise)
        {
            return;
        }

        var record = RecordOf(episode.ModelVersion);
        record.Episodes++;
        if (Verdict(episode.ModelVersion, record) is { } reason && _asked.Add(episode.ModelVersion))
        {
            RollBack?.Invoke(episode.ModelVersion, reason);
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>P(X ≥ k) for X ~ Poisson(λ).</summary>
    internal static double PoissonTail(long k, double lambda)
    {
        if (k <= 0)
        {
            return 1;
        }

        double term = Math.Exp(-lambda), below = term;
        for (var i = 1; i < k; i++)
        {
            term *= lambda / i;
            below += term;
        }

        return Math.Max(0, 1 - below);
    }

    /// <summary>Why <paramref name="version"/> should go, or null while its rate is no clear rise over the version it replaced.</summary>
    private string? Verdict(long version, Record record)
    {
        if (record.Replaced is not { } replacedVersion || record.Episodes < minEpisodes || record.Milliseconds <= 0)
        {
            return null;
        }

        var replaced = _versions[replacedVersion];
        var hours = record.Milliseconds / 3_600_000;
        var replacedHours = Math.Max(replaced.Milliseconds / 3_600_000, hours);
        var rate = (replaced.Episodes + 1) / replacedHours;
        if (PoissonTail(record.Episodes, rate * hours) >= Confidence)
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"model version {version} opened {record.Episodes} episodes in {record.Milliseconds / 60_000:0.0} min of video ({record.Episodes / hours:0} an hour); version {replacedVersion}, which it replaced, opened {replaced.Episodes} in {replaced.Milliseconds / 60_000:0.0} min");
    }

    /// <summary>The record of <paramref name="version"/>; a version seen for the first time replaced the newest one before it.</summary>
    private Record RecordOf(long version)
    {
        if (!_versions.TryGetValue(version, out var record))
        {
            record = new Record { Replaced = _newest };
            _versions.Add(version, record);
            _newest = version;
        }

        return record;
    }

    private sealed class Record
    {
        public long? Replaced { get; init; }

        public long Episodes { get; set; }

        public double Milliseconds { get; set; }
    }
}
