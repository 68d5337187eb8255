using StreamJepa.Core.Frames;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Engine;
using StreamJepa.Inference.Scoring;
using StreamJepa.Model;

namespace StreamJepa.Inference.Tests.Scoring;

public sealed class StreamScorerTests
{
    /// <summary>The plain robust z-score (no tail): the tests of the tail-calibrated threshold set <c>tailRisk</c>.</summary>
    private static readonly ScoringOptions Options = new() { MinSamples = 10, OnThreshold = 4, OffThreshold = 2, OpenAfter = 3, TailRisk = 0 };

    [Fact]
    public void NewStream_ScoredAtOnceByThePrior_WarmsUpWithoutAlerting_ThenItsOwnBaselineTakesOver()
    {
        // The checkpoint's data had energies near 1; this camera's normal is near 5.
        var scorer = new StreamScorer("cam", Options, 1, new Dictionary<int, EnergyStats> { [1] = new EnergyStats(1, 1.0, 0.1, 100) });

        var warmUp = Enumerable.Range(0, Options.MinSamples).Select(i => scorer.Score(Outcome(i, 5.0 + (0.1 * (i % 3))), 1)).ToList();
        var later = Enumerable.Range(Options.MinSamples, 30).Select(i => scorer.Score(Outcome(i, 5.0 + (0.1 * (i % 3))), 1).Score).ToList()[^1];

        Assert.True(warmUp[0].Score.Score > 4, "judged against the prior, the new camera's energy is surprising");
        Assert.All(warmUp, w => Assert.True(w.Score.WarmingUp && !w.Score.Anomaly && w.Episodes.Count == 0, "a warming-up stream opens no episode"));
        Assert.True(later.Score < 2, $"after its own baseline took over it is normal (score {later.Score})");
        Assert.False(later.WarmingUp);
        Assert.False(later.Anomaly);
    }

    [Fact]
    public void KeptBaselines_OfTheSameModel_MakeTheStreamReadyAtOnce_OfAnotherAreIgnored()
    {
        var kept = Settled(40).Baselines()!;
        var same = new StreamScorer("cam", Options, 1, new Dictionary<int, EnergyStats>());
        var other = new StreamScorer("cam", Options, 1, new Dictionary<int, EnergyStats>());

        Assert.Equal(1, kept.ModelVersion);
        Assert.True(same.Seed(kept, modelVersion: 1));
        Assert.False(other.Seed(kept, modelVersion: 2));
        Assert.False(same.Score(Outcome(40, 1.0), 1).Score.WarmingUp);
        Assert.True(other.Score(Outcome(40, 1.0), 2).Score.WarmingUp);
    }

    [Fact]
    public void NoContextYet_WarmingUp()
    {
        var scorer = new StreamScorer("cam", Options, 1, new Dictionary<int, EnergyStats> { [1] = new EnergyStats(1, 1.0, 0.1, 100) });

        var first = scorer.Score(new FrameOutcome(new FrameHeader("cam", 0, 0, true, 64, 64, 0), [null], [false], null, null, [], null), 1).Score;

        Assert.Null(first.Score);
        Assert.True(first.WarmingUp);
    }

    [Fact]
    public void ModelSwap_WithoutShadowScores_OpensNoEpisode_TheStreamWarmsUpOnTheNewModel()
    {
        var scorer = Settled(40);

        // Version 2's energies are on another scale, and its first frames are far from version 1's normal.
        var afterSwap = Enumerable.Range(40, 40).Select(i => scorer.Score(Outcome(i, 50.0 + (i % 7)), 2)).ToList();

        Assert.All(afterSwap, s => Assert.Empty(s.Episodes));
        Assert.All(afterSwap.Take(Options.MinSamples), s => Assert.True(s.Score.WarmingUp));
        Assert.False(afterSwap[^1].Score.WarmingUp);
        Assert.False(afterSwap[^1].Score.Anomaly);
    }

    [Fact]
    public void ModelSwap_AfterShadowScoring_CarriesTheBaseline_NoWarmUp_NoEpisode_AndStillAlerts()
    {
        var scorer = Settled(20);

        // Version 2 is scored in shadow, its energies fifty times version 1's; the served version 1 keeps alerting.
        for (var i = 20; i < 40; i++)
        {
            scorer.Score(Shadowed(i, 1.0 + (0.05 * (i % 3)), 50.0 + (i % 3)), 1);
        }

        Assert.True(scorer.ShadowReady(2));
        Assert.False(scorer.ShadowReady(3));
        var afterSwap = Enumerable.Range(40, 20).Select(i => scorer.Score(Outcome(i, 50.0 + (i % 3)), 2)).ToList();
        var surprise = Enumerable.Range(60, 3).Select(i => scorer.Score(Outcome(i, 80.0), 2)).ToList();

        Assert.All(afterSwap, s => Assert.False(s.Score.WarmingUp));
        Assert.All(afterSwap, s => Assert.Empty(s.Episodes));
        Assert.Equal("opened", Assert.Single(surprise[^1].Episodes).State);
    }

    [Fact]
    public void ModelSwap_AfterACalmShadow_JudgesANormalBusyMomentAsBefore()
    {
        // Normal video swings between calm (energy 1.0) and busy (1.4) every 80 frames.
        static double Normal(int i) => 1.2 - (0.2 * Math.Cos(2 * Math.PI * i / 80)) + (0.01 * (i % 3));
        var scorer = new StreamScorer("cam", Options with { Window = 200 }, 1, new Dictionary<int, EnergyStats>());
        for (var i = 0; i < 230; i++)
        {
            scorer.Score(Outcome(i, Normal(i)), 1);
        }

        // Version 2 is scored in shadow through a calm stretch only; on every frame its energy is twice version 1's.
        for (var i = 230; i < 250; i++)
        {
            scorer.Score(Shadowed(i, Normal(i), 2 * Normal(i)), 1);
        }

        Assert.True(scorer.ShadowReady(2));
        var afterSwap = Enumerable.Range(250, 100).Select(i => scorer.Score(Outcome(i, 2 * Normal(i)), 2)).ToList();
        var surprise = Enumerable.Range(350, 3).Select(i => scorer.Score(Outcome(i, 2 * 2.5), 2)).ToList();

        Assert.All(afterSwap, s => Assert.Empty(s.Episodes));
        Assert.All(afterSwap, s => Assert.True(s.Score.Score < Options.OnThreshold));
        Assert.Equal("opened", Assert.Single(surprise[^1].Episodes).State);
    }

    [Fact]
    public void ShadowBaseline_LearnsNothingWhileTheServedWeightsSeeAnAnomaly()
    {
        var scorer = Settled(20);

        // An episode opens on version 1 and stays open: none of those frames is normal for version 2 either.
        for (var i = 20; i < 40; i++)
        {
            scorer.Score(Shadowed(i, 9.0, 50.0), 1);
        }

        Assert.True(scorer.AnomalyOpen);
        Assert.False(scorer.ShadowReady(2));
    }

    [Fact]
    public void RepeatedPicture_OpensAFrozenEpisodeAtFrozenAfter_ClosesWhenThePictureChanges()
    {
        var scorer = new StreamScorer("cam", Options with { FrozenAfter = 4 }, 1, new Dictionary<int, EnergyStats>());
        for (var i = 0; i < 40; i++)
        {
            scorer.Score(Outcome(i, 1.0 + (0.05 * (i % 3))), 1);
        }

        // Frames 40-49 repeat frame 39 exactly; the model's energy for them is whatever it is (here: collapsed).
        var frozen = Enumerable.Range(40, 10).Select(i => scorer.Score(Outcome(i, 0.01, i - 39), 1)).ToList();
        var live = scorer.Score(Outcome(50, 1.05), 1);

        Assert.All(frozen.Take(3), f => Assert.Empty(f.Episodes));
        var opened = Assert.Single(frozen[3].Episodes);
        Assert.Equal(("opened", AnomalyEpisode.Frozen, 40L), (opened.State, opened.Kind, opened.StartFrame));
        Assert.True(frozen[3].Score.Score >= Options.OnThreshold && frozen[2].Score.Score < Options.OnThreshold, "the score reaches the on-threshold with the repeats");
        Assert.All(frozen.Skip(3), f => Assert.True(f.Score.Anomaly));
        var closed = Assert.Single(live.Episodes);
        Assert.Equal(("closed", AnomalyEpisode.Frozen, 49L, opened.Id), (closed.State, closed.Kind, closed.EndFrame!.Value, closed.Id));
        Assert.InRange(live.Score.Score!.Value, -2, 2);  // the repeated frames taught the baseline nothing
        Assert.False(live.Score.Anomaly);
    }

    [Fact]
    public void FeedFreezingDuringASurpriseEpisode_ClosesItAndOpensAFrozenOne()
    {
        var scorer = new StreamScorer("cam", Options with { FrozenAfter = 2 }, 1, new Dictionary<int, EnergyStats>());
        for (var i = 0; i < 40; i++)
        {
            scorer.Score(Outcome(i, 1.0 + (0.05 * (i % 3))), 1);
        }

        var surprise = Enumerable.Range(40, 3).SelectMany(i => scorer.Score(Outcome(i, 9.0), 1).Episodes).Single();
        var first = scorer.Score(Outcome(43, 9.0, 1), 1).Episodes;
        var second = scorer.Score(Outcome(44, 9.0, 2), 1).Episodes;

        Assert.Equal(("opened", AnomalyEpisode.Surprise), (surprise.State, surprise.Kind));
        Assert.Empty(first);
        Assert.Equal([("closed", AnomalyEpisode.Surprise, surprise.Number), ("opened", AnomalyEpisode.Frozen, surprise.Number + 1)], second.Select(e => (e.State, e.Kind, e.Number)));
        Assert.Equal(surprise.Id, second[0].Id);
        Assert.NotEqual(surprise.Id, second[1].Id);
        Assert.Equal(7, Guid.Parse(second[1].Id).Version);
    }

    [Fact]
    public void EstablishedBaseline_AnomalousEnergiesAreNotLearnedAsNormal()
    {
        var scorer = new StreamScorer("cam", Options, 1, new Dictionary<int, EnergyStats>());
        for (var i = 0; i < 30; i++)
        {
            scorer.Score(Outcome(i, 1.0 + (0.05 * (i % 3))), 1);
        }

        var scores = Enumerable.Range(30, 60).Select(i => scorer.Score(Outcome(i, 9.0), 1).Score).ToList();

        Assert.All(scores.Skip(3), s => Assert.True(s.Anomaly));
        Assert.True(scores[^1].Score > 4, "a long anomaly stays anomalous");
    }

    [Fact]
    public void NewModelVersion_BaselineMeasuredAgain()
    {
        var scorer = new StreamScorer("cam", Options, 1, new Dictionary<int, EnergyStats>());
        for (var i = 0; i < 20; i++)
        {
            scorer.Score(Outcome(i, 5.0 + (0.1 * (i % 3))), 1);
        }

        // Version 2 has energies ten times smaller: judged by version 1's baseline they would all look "negative".
        var afterSwap = Enumerable.Range(20, 30).Select(i => scorer.Score(Outcome(i, 0.5 + (0.01 * (i % 3))), 2).Score).ToList();

        Assert.All(afterSwap.Take(Options.MinSamples), s => Assert.True(s.Score is null && s.WarmingUp));
        Assert.All(afterSwap.Skip(Options.MinSamples), s => Assert.InRange(s.Score!.Value, -2, 2));
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(1.0, true)]
    public void CollapsedEnergy_SurprisingOnlyWithLowEnergyWeight(double weight, bool expectAnomaly)
    {
        // A frozen feed: the picture no longer changes, so the level predicts it far better than live video.
        var scorer = new StreamScorer("cam", Options with { LowEnergyWeights = [weight] }, 1, new Dictionary<int, EnergyStats>());
        for (var i = 0; i < 40; i++)
        {
            scorer.Score(Outcome(i, 1.0 + (0.05 * (i % 3))), 1);
        }

        var frozen = Enumerable.Range(40, 30).Select(i => scorer.Score(Outcome(i, 0.05), 1).Score).ToList();
        var after = Enumerable.Range(70, 5).Select(i => scorer.Score(Outcome(i, 1.0 + (0.05 * (i % 3))), 1).Score).ToList();

        Assert.Equal(expectAnomaly, frozen[^1].Anomaly);
        Assert.Equal(expectAnomaly, frozen[^1].Score > 4);
        Assert.True(expectAnomaly ? frozen[0].Levels[0].Surprise > 4 : frozen[0].Levels[0].Surprise < -4, $"level surprise {frozen[0].Levels[0].Surprise}");
        Assert.All(after, s => Assert.InRange(s.Score!.Value, -2, 2));   // the collapse was not learned as normal
    }

    [Fact]
    public void LowEnergyWeights_ApplyPerLevel_ALevelWithoutOneStaysOneSided()
    {
        var scorer = new StreamScorer("cam", Options with { LowEnergyWeights = [2] }, 2, new Dictionary<int, EnergyStats>());
        for (var i = 0; i < 40; i++)
        {
            var wobble = 0.05 * (i % 3);
            scorer.Score(Outcome(i, 1.0 + wobble, 1.0 + wobble), 1);
        }

        var level2Collapsed = scorer.Score(Outcome(40, 1.05, 0.05), 1).Score;
        var level1Collapsed = scorer.Score(Outcome(41, 0.05, 1.05), 1).Score;

        Assert.True(level2Collapsed.Levels[1].Surprise < -4, "level 2 has no weight: its collapse stays a negative z-score");
        Assert.True(level2Collapsed.Score < 4);
        Assert.True(level1Collapsed.Levels[0].Surprise > 4, "level 1's collapse, weighted, is surprising");
        Assert.Equal(level1Collapsed.Levels[0].Surprise, level1Collapsed.Score);
    }

    [Theory]
    [InlineData(new[] { 1 }, false)]
    [InlineData(new[] { 1, 2 }, true)]
    public void AlertLevels_DecideWhichLevelsOpenEpisodes_EveryLevelStillReported(int[] alertLevels, bool level2Opens)
    {
        var scorer = new StreamScorer("cam", Options with { AlertLevels = alertLevels }, 2, new Dictionary<int, EnergyStats>());
        for (var i = 0; i < 40; i++)
        {
            var wobble = 0.05 * (i % 3);
            scorer.Score(Outcome(i, 1.0 + wobble, 1.0 + wobble), 1);
        }

        var spike = Enumerable.Range(40, 5).Select(i => scorer.Score(Outcome(i, 1.05, 9.0), 1).Score).ToList();

        Assert.All(spike, s => Assert.True(s.Levels[1].Surprise > 4));
        Assert.Equal(level2Opens, spike[^1].Anomaly);
        Assert.Equal(level2Opens, spike[^1].Score > 4);
    }

    [Fact]
    public void SceneLevel_OpensEpisodesBesideTheAlertLevels_OnceItHasItsOwnBaseline()
    {
        var scorer = new StreamScorer("cam", Options with { AlertLevels = [1] }, 3, new Dictionary<int, EnergyStats>(), sceneLevel: 3);
        var normal = new List<FrameScore>();
        for (var i = 0; i < 40; i++)
        {
            var wobble = 0.05 * (i % 3);

            // The scene level starts five frames late (its memory fills first); the stream does not wait for it.
            var outcome = i < 5 ? Outcome(i, 1.0 + wobble, 1.0 + wobble) with { Levels = [(1.0 + wobble, 1.0 + wobble), (1.0, 1.0), null], Fresh = [true, true, false] } : Outcome(i, 1.0 + wobble, 1.0, 1.0 + wobble);
            normal.Add(scorer.Score(outcome, 1).Score);
        }

        // Level 1's map is hottest top left, the scene level's bottom right: the episode shows where the scene changed.
        var levelOneMap = new EnergyMap(2, 2, [5f, 1f, 1f, 1f]);
        var sceneMap = new EnergyMap(2, 2, [1f, 1f, 1f, 7f]);
        var spike = Enumerable.Range(40, 5)
            .Select(i => scorer.Score(Outcome(i, 1.05, 1.0, 9.0) with { EnergyMap = levelOneMap, SceneMap = sceneMap }, 1))
            .ToList();

        Assert.False(normal[12].WarmingUp, "level 1 has its baseline");
        Assert.Null(normal[12].Levels[2].Surprise);
        Assert.Equal(normal[12].Levels[0].Surprise, normal[12].Score);
        Assert.NotNull(normal[^1].Levels[2].Surprise);
        Assert.True(spike[^1].Score.Anomaly);
        Assert.Equal(spike[^1].Score.Levels[2].Surprise, spike[^1].Score.Score);
        var opened = Assert.Single(spike.SelectMany(s => s.Episodes));
        Assert.Equal((1, 1), (opened.TopCells[0].Row, opened.TopCells[0].Column));
    }

    [Theory]
    [InlineData(0.0, 8)]    // the plain robust z-score: every pass of the rare moment alarms
    [InlineData(1e-3, 0)]   // the tail: none (with no checkpoint statistics the stream warms up while its tail calibrates)
    public void RareButNormalMoment_RecurringEveryLoop_AlarmsOnlyUntilTheStreamsTailIsLearnt_AFarStrongerOneStillAlarms(double risk, int recurringAlarms)
    {
        // A looped camera: steady energy, and every 150 frames a 6-frame moment far above it (about 7.7 robust
        // z-scores), like a bright figure crossing the scene. The tail calibrates on the stream's first 300 surprises.
        var scorer = new StreamScorer("cam", Options with { TailRisk = risk, TailMinSamples = 300, TailWindow = 2000 }, 1, new Dictionary<int, EnergyStats>());
        var random = new Random(7);
        double Energy(int i) => i % 150 is >= 75 and < 81 ? 1.15 : 1.0 + ((random.NextDouble() - 0.5) * 0.05);

        var recurring = Enumerable.Range(0, 1200).SelectMany(i => scorer.Score(Outcome(i, Energy(i)), 1).Episodes).Count(e => e.State == "opened");
        var strong = Enumerable.Range(1200, 6).SelectMany(i => scorer.Score(Outcome(i, 2.0), 1).Episodes).Count(e => e.State == "opened");

        Assert.Equal(recurringAlarms, recurring);
        Assert.Equal(1, strong);
    }

    [Theory]
    [InlineData(0)]     // as SPOT: a surprise above the threshold is never learnt, so the moment alarms every time
    [InlineData(10)]    // one in ten is: the moment becomes normal after a few recurrences
    public void MomentFirstSeenAfterCalibration_RecurringEveryLoop_IsAbsorbedOnlyWhenTheTailLearnsSomeAlarms(int alarmEvery)
    {
        // The tail calibrates on 300 steady frames; then every 150 frames a 2-s moment far above them recurs (as
        // one does when a model that keeps learning comes to predict everything around it better).
        var scorer = new StreamScorer("cam", Options with { TailRisk = 1e-3, TailMinSamples = 300, TailWindow = 2000, TailAlarmEvery = alarmEvery, TailRecurrences = 0 }, 1, new Dictionary<int, EnergyStats>());
        var random = new Random(11);
        double Energy(int i) => i >= 400 && i % 150 is >= 75 and < 95 ? 1.15 : 1.0 + ((random.NextDouble() - 0.5) * 0.05);

        var opened = Enumerable.Range(0, 2400)
            .Select(i => scorer.Score(Outcome(i, Energy(i)), 1).Episodes.Count(e => e.State == "opened"))
            .Chunk(150).Skip(3).Select(loop => loop.Sum()).ToList();

        Assert.Equal(13, opened.Count);
        Assert.Equal(1, opened[0]);
        Assert.Equal(alarmEvery == 0 ? 5 : 0, opened.TakeLast(5).Sum());
    }

    [Theory]
    [InlineData(0, 13)]     // never (and, as SPOT, no alarm learnt): every pass alarms
    [InlineData(3, 3)]      // the third episode within the tail window teaches the tail its alarms
    public void A_moment_that_opens_episode_after_episode_is_normal_after_the_third(int recurrences, int expected)
    {
        var scorer = new StreamScorer("cam", Options with { TailRisk = 1e-3, TailMinSamples = 300, TailWindow = 2000, TailAlarmEvery = 0, TailRecurrences = recurrences }, 1, new Dictionary<int, EnergyStats>());
        var random = new Random(11);
        double Energy(int i) => i >= 400 && i % 150 is >= 75 and < 95 ? 1.15 : 1.0 + ((random.NextDouble() - 0.5) * 0.05);

        var opened = Enumerable.Range(0, 2400).Sum(i => scorer.Score(Outcome(i, Energy(i)), 1).Episodes.Count(e => e.State == "opened"));

        Assert.Equal(expected, opened);
    }

    [Fact]
    public void AnAnomalyAfterCalibration_DoesNotQuietTheNextLikeIt()
    {
        var scorer = new StreamScorer("cam", Options with { TailRisk = 1e-3, TailMinSamples = 300, TailWindow = 2000 }, 1, new Dictionary<int, EnergyStats>());
        var random = new Random(5);
        double Energy(int i) => i is >= 500 and < 530 or >= 1000 and < 1030 ? 1.15 : 1.0 + ((random.NextDouble() - 0.5) * 0.05);

        var opened = Enumerable.Range(0, 1100).SelectMany(i => scorer.Score(Outcome(i, Energy(i)), 1).Episodes.Where(e => e.State == "opened")).ToList();

        Assert.Equal([500L, 1000L], opened.Select(e => e.StartFrame));
    }

    [Theory]
    [InlineData(false, 310)]    // fresh weights: the baseline's 10 frames, then the tail's 300 surprises
    [InlineData(true, 10)]      // a checkpoint's statistics stand in for the tail: the baseline's 10 frames only
    public void Without_checkpoint_statistics_a_stream_warms_up_until_its_own_tail_is_calibrated(bool checkpoint, int warmUp)
    {
        var priors = checkpoint ? new Dictionary<int, EnergyStats> { [1] = new EnergyStats(1, 1.0, 0.05, 100) } : [];
        var scorer = new StreamScorer("cam", Options with { TailRisk = 1e-3, TailMinSamples = 300, TailWindow = 2000 }, 1, priors);
        var random = new Random(3);
        double Energy(int i) => i is >= 200 and < 203 or >= 500 and < 503 ? 9.0 : 1.0 + ((random.NextDouble() - 0.5) * 0.05);

        var scored = Enumerable.Range(0, 600).Select(i => scorer.Score(Outcome(i, Energy(i)), 1)).ToList();

        Assert.All(scored.Take(warmUp), s => Assert.True(s.Score.WarmingUp));
        Assert.All(scored.Skip(warmUp), s => Assert.False(s.Score.WarmingUp));
        var opened = scored.SelectMany(s => s.Episodes).Where(e => e.State == "opened").Select(e => e.StartFrame);
        Assert.Equal(checkpoint ? [200L, 500L] : [500L], opened);     // the stream reports warming up and never alerts meanwhile
    }

    /// <summary>A frame whose levels (level 1 first) all have a fresh energy, given as free energies.</summary>
    private static FrameOutcome Outcome(long frame, params double[] free) => Repeated(frame, 0, free);

    /// <summary>A one-level frame whose picture repeated the one before <paramref name="repeats"/> times in a row.</summary>
    private static FrameOutcome Outcome(long frame, double free, int repeats) => Repeated(frame, repeats, [free]);

    /// <summary>A one-level scorer that has seen <paramref name="frames"/> normal frames of version 1.</summary>
    private static StreamScorer Settled(int frames)
    {
        var scorer = new StreamScorer("cam", Options, 1, new Dictionary<int, EnergyStats>());
        for (var i = 0; i < frames; i++)
        {
            scorer.Score(Outcome(i, 1.0 + (0.05 * (i % 3))), 1);
        }

        return scorer;
    }

    /// <summary>A one-level frame scored by the served weights and, in shadow, by version 2.</summary>
    private static FrameOutcome Shadowed(long frame, double free, double shadowFree) =>
        Outcome(frame, free) with { Shadow = new ShadowOutcome(2, [(shadowFree, shadowFree)], [true]) };

    private static FrameOutcome Repeated(long frame, int repeats, double[] free) =>
        new(new FrameHeader("cam", frame, frame * 100, true, 64, 64, 0), [.. free.Select(f => ((double, double)?)(f, f))], [.. free.Select(_ => true)], null, null, [], null, repeats);
}
