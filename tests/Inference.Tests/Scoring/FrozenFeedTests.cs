using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Scoring;

namespace StreamJepa.Inference.Tests.Scoring;

public sealed class FrozenFeedTests
{
    [Fact]
    public void Update_OpensAtFrozenAfter_UpdatesEveryUpdateEvery_ClosesOnTheFirstChangedFrame()
    {
        var feed = new FrozenFeed("cam", new ScoringOptions { FrozenAfter = 3, UpdateEvery = 4 });
        long next = 0;
        var events = new List<(long Frame, string State, long Start, long? End, long Frames)>();

        // Frame 10 changed; frames 11-20 repeat it; frame 21 changes.
        for (var f = 10L; f <= 21; f++)
        {
            var repeats = f is >= 11 and <= 20 ? (int)(f - 10) : 0;
            if (feed.Update(new FrameMoment(f, f * 100, DateTimeOffset.UnixEpoch.AddMilliseconds(f * 100)), repeats, repeats, 1, () => new EpisodeIdentity(++next, $"id-{next}")) is { } e)
            {
                Assert.Equal(AnomalyEpisode.Frozen, e.Kind);
                events.Add((f, e.State, e.StartFrame, e.EndFrame, e.Frames));
            }
        }

        Assert.Equal(
            [(13, "opened", 11, null, 3), (17, "updated", 11, null, 7), (21, "closed", 11, 20, 10)],
            events.Select(e => (e.Frame, e.State, e.Start, e.End, e.Frames)));
        Assert.Equal(1, next);
        Assert.False(feed.IsOpen);
    }

    [Fact]
    public void Finish_ClosesAnOpenFrozenEpisode_AndANeverFrozenFeedHasNone()
    {
        var feed = new FrozenFeed("cam", new ScoringOptions { FrozenAfter = 2 });
        Assert.Null(feed.Finish());

        feed.Update(new FrameMoment(5, 500, DateTimeOffset.UnixEpoch.AddSeconds(5)), 1, 2, 1, () => throw new InvalidOperationException("one repeat opens nothing"));
        feed.Update(new FrameMoment(6, 600, DateTimeOffset.UnixEpoch.AddSeconds(6)), 2, 4, 1, () => new EpisodeIdentity(7, "seven"));
        var closed = feed.Finish();

        Assert.Equal(("closed", "seven", 7L, 5L, 6L), (closed!.State, closed.Id, closed.Number, closed.StartFrame, closed.EndFrame!.Value));
        Assert.Equal((DateTimeOffset.UnixEpoch.AddSeconds(5), DateTimeOffset.UnixEpoch.AddSeconds(6)), (closed.StartUtc, closed.EndUtc!.Value));
    }
}
