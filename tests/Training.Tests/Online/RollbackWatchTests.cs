using StreamJepa.Core.Results;
using StreamJepa.Training.Online;

namespace StreamJepa.Training.Tests.Online;

public sealed class RollbackWatchTests
{
    private const double FrameMs = 100;

    [Fact]
    public void A_promotion_that_opens_episodes_far_more_often_is_rolled_back_once_with_the_rates()
    {
        var asked = new List<(long Version, string Reason)>();
        var watch = new RollbackWatch(minEpisodes: 3) { RollBack = (v, r) => asked.Add((v, r)) };

        var frame = Serve(watch, version: 4, minutes: 60, from: 0);
        Open(watch, 4);                                   // one episode in an hour: the third of version 5 in 10 min is a rise
        frame = Serve(watch, version: 5, minutes: 10, from: frame);
        for (var i = 0; i < 5; i++)
        {
            Open(watch, 5);
        }

        var (version, reason) = Assert.Single(asked);
        Assert.Equal(5, version);
        Assert.Contains("model version 5 opened 3 episodes in 10.0 min", reason, StringComparison.Ordinal);
        Assert.Contains("version 4, which it replaced, opened 1 in 60.0 min", reason, StringComparison.Ordinal);
        Assert.Equal((5L, 10.0 / 60), watch.Of(5), new HoursClose());
    }

    [Fact]
    public void A_promotion_that_alarms_as_often_as_the_model_it_replaced_stays()
    {
        var asked = 0;
        var watch = new RollbackWatch(minEpisodes: 3) { RollBack = (_, _) => asked++ };

        var frame = Serve(watch, version: 1, minutes: 60, from: 0);
        for (var i = 0; i < 6; i++)
        {
            Open(watch, 1);
        }

        Serve(watch, version: 2, minutes: 30, from: frame);
        for (var i = 0; i < 3; i++)
        {
            Open(watch, 2);
        }

        Assert.Equal(0, asked);
    }

    [Fact]
    public void The_first_model_and_frozen_feeds_never_cause_a_rollback()
    {
        var asked = 0;
        var watch = new RollbackWatch(minEpisodes: 3) { RollBack = (_, _) => asked++ };

        var frame = Serve(watch, version: 1, minutes: 5, from: 0);
        for (var i = 0; i < 10; i++)
        {
            Open(watch, 1);                                // nothing before it to go back to
        }

        Serve(watch, version: 2, minutes: 5, from: frame);
        for (var i = 0; i < 10; i++)
        {
            Open(watch, 2, AnomalyEpisode.Frozen);         // the camera froze: no model's doing
        }

        Assert.Equal(0, asked);
        Assert.Equal(0, watch.Of(2).Episodes);
    }

    [Fact]
    public void Gaps_between_frames_count_only_up_to_the_longest_gap()
    {
        var watch = new RollbackWatch(minEpisodes: 3, maxGap: TimeSpan.FromSeconds(1));
        watch.OnScore(Score(1, frame: 0, ptsMs: 0));
        watch.OnScore(Score(1, frame: 1, ptsMs: 500));
        watch.OnScore(Score(1, frame: 2, ptsMs: 60_000));   // the stream was away for a minute
        watch.OnScore(Score(1, frame: 0, ptsMs: 0));        // and restarted

        Assert.Equal(1.5 / 3600, watch.Of(1).Hours, 9);
    }

    [Theory]
    [InlineData(1, 0.5, 0.39346934)]
    [InlineData(3, 1.0, 0.08030140)]
    [InlineData(0, 2.0, 1.0)]
    public void PoissonTail_IsTheChanceOfAtLeastKEvents(long k, double lambda, double expected) =>
        Assert.Equal(expected, RollbackWatch.PoissonTail(k, lambda), 6);

    private static long Serve(RollbackWatch watch, long version, double minutes, long from)
    {
        var frames = (long)(minutes * 60_000 / FrameMs);
        for (var f = from; f < from + frames; f++)
        {
            watch.OnScore(Score(version, f, (f + 1) * FrameMs));
        }

        return from + frames;
    }

    private static FrameScore Score(long version, long frame, double ptsMs) => new("cam", frame, ptsMs, 1.0, [], false, version);

    private static void Open(RollbackWatch watch, long version, string kind = AnomalyEpisode.Surprise) =>
        watch.OnEpisode(new AnomalyEpisode("cam", Guid.NewGuid().ToString(), 1, "opened", 0, null, 0, null, 3, 5, [], [1], [], version, kind));

    private sealed class HoursClose : IEqualityComparer<(long, double)>
    {
        public bool Equals((long, double) x, (long, double) y) => x.Item1 == y.Item1 && Math.Abs(x.Item2 - y.Item2) < 1e-3;

        public int GetHashCode((long, double) obj) => obj.Item1.GetHashCode();
    }
}
