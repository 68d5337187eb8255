using StreamJepa.Core.Frames;
using StreamJepa.Training.Data;

namespace StreamJepa.Training.Tests.Data;

public sealed class FrameStoreTests
{
    [Fact]
    public void Holding_out_moves_the_tail_of_each_long_enough_stream_in_order_and_keeps_short_ones_whole()
    {
        var store = new FrameStore(new FrameShape(1, 1, 1));
        for (var i = 0; i < 100; i++)
        {
            store.Add("long", [i]);
        }

        for (var i = 0; i < 20; i++)
        {
            store.Add("short", [i]);
        }

        var held = store.HoldOutTail(0.2, minTail: 8, minKeep: 8);

        Assert.Equal(Enumerable.Range(80, 20).Select(i => (float)i), held.Streams["long"].Select(f => f[0]));
        Assert.Equal(80, store.Streams["long"].Count);
        Assert.Equal(79f, store.Streams["long"][^1][0]);
        Assert.False(held.Streams.ContainsKey("short")); // a 4-frame tail is too short to measure anything on
        Assert.Equal(20, store.Streams["short"].Count);
    }

    [Fact]
    public void Holding_out_nothing_leaves_the_store_as_it_was() =>
        Assert.Equal(0, Store(50).HoldOutTail(0, minTail: 1, minKeep: 1).Count);

    private static FrameStore Store(int frames)
    {
        var store = new FrameStore(new FrameShape(1, 1, 1));
        for (var i = 0; i < frames; i++)
        {
            store.Add("s", [i]);
        }

        return store;
    }
}
