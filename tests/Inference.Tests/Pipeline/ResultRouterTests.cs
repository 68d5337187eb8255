using Microsoft.Extensions.Time.Testing;
using StreamJepa.Core.Frames;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Engine;
using StreamJepa.Inference.Pipeline;
using StreamJepa.Inference.Tests.Engine;
using StreamJepa.Model;

namespace StreamJepa.Inference.Tests.Pipeline;

public sealed class ResultRouterTests
{
    [Fact]
    public void Shadow_weights_are_ready_once_every_live_stream_has_its_baseline_and_a_stream_gone_quiet_does_not_hold_them()
    {
        var time = new FakeTimeProvider();
        var router = new ResultRouter(new ScoringOptions { MinSamples = 3 }, (EngineFixture.Config.LevelCount, 0), new Dictionary<int, EnergyStats>(), [], time);

        // Stream "gone" sees the shadow weights for one frame and then sends nothing; "live" goes on.
        router.Handle(new ScoredBatch([Shadowed("gone", 0), Shadowed("live", 0)], 1, 2));
        for (var i = 1; i < 5; i++)
        {
            router.Handle(new ScoredBatch([Shadowed("live", i)], 1, 2));
        }

        Assert.Equal(-1, router.ShadowReadyVersion);     // "gone" has no baseline and was heard from just now

        time.Advance(TimeSpan.FromSeconds(11));
        router.Handle(new ScoredBatch([Shadowed("live", 5)], 1, 2));

        Assert.Equal(2, router.ShadowReadyVersion);
    }

    [Fact]
    public void Shadow_weights_wait_for_a_live_stream_that_has_not_had_its_shadow_turn()
    {
        var time = new FakeTimeProvider();
        var router = new ResultRouter(new ScoringOptions { MinSamples = 3 }, (EngineFixture.Config.LevelCount, 0), new Dictionary<int, EnergyStats>(), [], time);

        // "a" is scored in shadow; "b" waits for its turn, its frames scored by the served weights only.
        for (var i = 0; i < 5; i++)
        {
            router.Handle(new ScoredBatch([Shadowed("a", i), Served("b", i)], 1, 2));
        }

        Assert.Equal(-1, router.ShadowReadyVersion);

        for (var i = 5; i < 10; i++)
        {
            router.Handle(new ScoredBatch([Served("a", i), Shadowed("b", i)], 1, 2));
        }

        Assert.Equal(2, router.ShadowReadyVersion);
    }

    /// <summary>A frame of <paramref name="stream"/> with a level-1 energy under the served weights only.</summary>
    private static FrameOutcome Served(string stream, long frame) => Shadowed(stream, frame) with { Shadow = null };

    /// <summary>A frame of <paramref name="stream"/> with a level-1 energy under the served weights and under shadow version 2.</summary>
    private static FrameOutcome Shadowed(string stream, long frame) =>
        new(new FrameHeader(stream, frame, frame * 100, true, 64, 64, 0), [(1.0, 1.0), null], [true, false], null, null, [], null)
        {
            Shadow = new ShadowOutcome(2, [(5.0 + (0.1 * (frame % 3)), 5.0 + (0.1 * (frame % 3))), null], [true, false]),
        };
}
