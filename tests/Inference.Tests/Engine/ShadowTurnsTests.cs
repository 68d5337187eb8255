using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Engine;
using StreamJepa.Model.Configuration;

namespace StreamJepa.Inference.Tests.Engine;

public sealed class ShadowTurnsTests
{
    [Fact]
    public void Next_GivesTurnsToTheStreamThatWaitedLongest_AndATurnGoesOnWhenNoneWaits()
    {
        var turns = new ShadowTurns(streams: 2, turnFrames: 3);

        var started = new List<IReadOnlyList<string>>();
        var inTurn = new List<string>();
        for (var batch = 0; batch < 7; batch++)
        {
            started.Add(turns.Next(["a", "b", "c"]));
            var scored = new[] { "a", "b", "c" }.Where(turns.InTurn).ToList();
            scored.ForEach(turns.Scored);
            inTurn.Add(string.Concat(scored));
        }

        // a and b for three frames; then one turn ends for each stream waiting: a's (the first to start) for c, then
        // b's (it went on while nobody else waited) for a, then c's for b: three frames each, staggered.
        Assert.Equal(["ab", "ab", "ab", "bc", "ac", "ac", "ab"], inTurn);
        Assert.Equal(["a", "b"], started[0]);
        Assert.Equal(["c"], started[3]);
        Assert.Equal(["a"], started[4]);
    }

    [Fact]
    public void Next_WithNoStreamWaiting_NeverEndsATurn_AndAStreamGoneQuietGivesItsPlaceUp()
    {
        var turns = new ShadowTurns(streams: 2, turnFrames: 3);
        turns.Next(["a", "b"]);
        for (var batch = 0; batch < 10; batch++)
        {
            turns.Scored("a");
            turns.Scored("b");
            Assert.Empty(turns.Next(["a", "b"]));
        }

        // c arrives and a's long turn ends for it; b goes quiet, and after three batches without a frame its place
        // goes back to a.
        var started = Enumerable.Range(0, 5).Select(_ => turns.Next(["a", "c"])).SelectMany(s => s).ToList();

        Assert.Equal(["c", "a"], started);
        Assert.False(turns.InTurn("b"));
        Assert.True(turns.InTurn("a") && turns.InTurn("c"));
    }

    [Fact]
    public void TurnFramesFor_GivesEveryAlertLevelTwiceMinSamplesEnergies()
    {
        var config = new HJepaConfig();
        var level2 = config.Levels[0];
        var scoring = new ScoringOptions { MinSamples = 30 };

        // Level 1: its context and furthest horizon, then one energy a frame. Level 2 alerting: its windows fill,
        // then one energy every stride frames.
        Assert.Equal(config.ContextFrames + config.Horizons.Max() + 60, ShadowTurns.TurnFramesFor(config, scoring));
        Assert.Equal(
            level2.Window + ((level2.ContextWindows + level2.Horizons.Max()) * level2.Stride) + (60 * level2.Stride),
            ShadowTurns.TurnFramesFor(config, scoring with { AlertLevels = [1, 2] }));
    }
}
