using Microsoft.Extensions.Time.Testing;
using StreamJepa.Training.Online;

namespace StreamJepa.Training.Tests.Online;

public sealed class AdaptiveShareTests
{
    [Fact]
    public void The_trainer_takes_what_the_model_block_leaves_idle_and_pauses_while_frames_are_dropped()
    {
        var time = new FakeTimeProvider();
        var (busy, dropped) = (TimeSpan.Zero, 0L);
        var share = new AdaptiveShare(share: 0.35, max: 0.8, () => (busy, dropped), time);

        Assert.Equal(0.35, share.Next());                  // nothing measured yet: the fixed share

        time.Advance(TimeSpan.FromSeconds(4));
        busy += TimeSpan.FromSeconds(1);                   // the model block busy a quarter of the time
        Assert.Equal(0.675, share.Next(), 3);              // nine tenths of the idle three quarters
        Assert.Equal(0.675, share.Next(), 3);              // the same until the next look, 2 s on

        time.Advance(TimeSpan.FromSeconds(4));
        busy += TimeSpan.FromSeconds(4);                   // a replayed file: always busy, nothing dropped
        Assert.Equal(0.35, share.Next(), 3);
        Assert.False(share.Paused);

        time.Advance(TimeSpan.FromSeconds(4));
        busy += TimeSpan.FromSeconds(3.8);
        dropped += 12;                                     // live frames dropped: inference is behind
        share.Next();
        Assert.True(share.Paused);

        time.Advance(TimeSpan.FromSeconds(4));
        busy += TimeSpan.FromSeconds(2);
        share.Next();
        Assert.False(share.Paused);
    }

    [Fact]
    public void Without_a_signal_from_inference_the_share_stays_fixed()
    {
        var share = new AdaptiveShare(share: 0.35, max: 0.8, load: null, TimeProvider.System);

        Assert.Equal(0.35, share.Next());
        Assert.False(share.Paused);
    }
}
