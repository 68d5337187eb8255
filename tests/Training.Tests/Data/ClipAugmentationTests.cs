using StreamJepa.Training.Data;
using static TorchSharp.torch;

namespace StreamJepa.Training.Tests.Data;

public sealed class ClipAugmentationTests
{
    private const int Height = 12;
    private const int Width = 16;
    private const int Length = 4;

    [Fact]
    public void Every_frame_of_a_clip_gets_the_same_view_and_time_keeps_its_order()
    {
        using var scope = NewDisposeScope();
        var clips = Clips(16, seed: 1);

        var views = new ClipAugmentation(flip: true, shiftPixels: 3).Apply(clips, new Random(7));

        // Frame t is frame 0 plus t everywhere, and a mirror or a shift (borders repeated) keeps that.
        Assert.Equal(clips.shape, views.shape);
        for (var t = 0; t < Length; t++)
        {
            Assert.True((views[.., t] - views[.., 0] - t).abs().max().item<float>() < 1e-5f, $"frame {t} was viewed differently from frame 0");
        }
    }

    [Fact]
    public void Each_clip_is_itself_or_its_mirror_and_both_occur()
    {
        using var scope = NewDisposeScope();
        var clips = Clips(32, seed: 2);

        var views = new ClipAugmentation(flip: true, shiftPixels: 0).Apply(clips, new Random(3));

        var mirrored = 0;
        for (var b = 0; b < 32; b++)
        {
            var same = Same(views[b], clips[b]);
            var mirror = Same(views[b], clips[b].flip(-1));
            Assert.True(same || mirror, $"clip {b} is neither itself nor its mirror");
            mirrored += mirror ? 1 : 0;
        }

        Assert.InRange(mirrored, 8, 24);
    }

    [Fact]
    public void Each_clip_is_moved_by_at_most_the_configured_pixels()
    {
        using var scope = NewDisposeScope();
        const int shift = 2;
        var clips = Clips(16, seed: 4);

        var views = new ClipAugmentation(flip: false, shiftPixels: shift).Apply(clips, new Random(5));

        var moved = 0;
        for (var b = 0; b < 16; b++)
        {
            var padded = nn.functional.pad(clips[b], [shift, shift, shift, shift], TorchSharp.PaddingModes.Replicate);
            var offsets = (from dy in Enumerable.Range(-shift, (2 * shift) + 1)
                           from dx in Enumerable.Range(-shift, (2 * shift) + 1)
                           where Same(views[b], padded[.., .., (shift + dy)..(shift + dy + Height), (shift + dx)..(shift + dx + Width)])
                           select (dx, dy)).ToList();
            Assert.NotEmpty(offsets);
            moved += offsets.Contains((0, 0)) ? 0 : 1;
        }

        Assert.True(moved > 0, "no clip was moved");
    }

    [Fact]
    public void The_same_seed_gives_the_same_views_and_nothing_on_gives_the_clips_back()
    {
        using var scope = NewDisposeScope();
        var clips = Clips(8, seed: 6);
        var augmentation = new ClipAugmentation(flip: true, shiftPixels: 4);

        Assert.True(Same(augmentation.Apply(clips, new Random(9)), augmentation.Apply(clips, new Random(9))));
        Assert.Same(clips, new ClipAugmentation(flip: false, shiftPixels: 0).Apply(clips, new Random(9)));
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.equal(b).all().item<bool>();

    /// <summary>Clips (B, T, 3, H, W) of random pictures, wider than high, whose frame t is frame 0 plus t.</summary>
    private static Tensor Clips(int batch, int seed)
    {
        var first = rand([batch, 1, 3, Height, Width], generator: new Generator((ulong)seed));
        return first + arange(Length, dtype: float32).view(1, Length, 1, 1, 1);
    }
}
