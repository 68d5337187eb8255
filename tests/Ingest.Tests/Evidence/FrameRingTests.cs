using OpenCvSharp;
using StreamJepa.Core.Frames;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Evidence;

namespace StreamJepa.Ingest.Tests.Evidence;

public sealed class FrameRingTests
{
    [Fact]
    public void A_10_fps_source_is_kept_at_5_fps_for_the_pre_roll_and_its_margin()
    {
        var ring = new FrameRing(new EvidenceOptions { Directory = "unused", Fps = 5, PreRollSeconds = 1 });
        using var picture = new Mat(48, 64, MatType.CV_8UC3, Scalar.All(90));

        for (var i = 0; i < 200; i++)
        {
            ring.Offer(Header(i, i * 100.0), picture);
        }

        var kept = ring.Since(-1, double.NegativeInfinity);
        Assert.All(kept.Zip(kept.Skip(1)), p => Assert.Equal(2, p.Second.Sequence - p.First.Sequence));
        Assert.InRange(kept[^1].PtsMs - kept[0].PtsMs, 5_800, 6_000);     // 1 s of pre-roll and 5 s of margin
        Assert.Equal(kept.Sum(f => (long)f.Jpeg.Length), ring.Bytes);
        Assert.Equal([198L], ring.Since(196, 19_700).Select(f => f.Sequence));
    }

    [Fact]
    public void The_memory_bound_drops_the_oldest_pictures_first()
    {
        var ring = new FrameRing(new EvidenceOptions { Directory = "unused", Fps = 10, PreRollSeconds = 600, StreamMegabytes = 0.25 });
        using var noise = new Mat(240, 320, MatType.CV_8UC3);
        Cv2.Randu(noise, Scalar.All(0), Scalar.All(255));

        for (var i = 0; i < 100; i++)
        {
            ring.Offer(Header(i, i * 100.0), noise);
        }

        var kept = ring.Since(-1, double.NegativeInfinity);
        Assert.InRange(ring.Bytes, 1, 256 * 1024);
        Assert.Equal(99, kept[^1].Sequence);
        Assert.True(kept.Count < 100, $"{kept.Count} noisy pictures kept in 0.25 MiB");
    }

    [Fact]
    public void A_source_that_starts_again_begins_a_new_set_of_pictures()
    {
        var ring = new FrameRing(new EvidenceOptions { Directory = "unused", Fps = 5, PreRollSeconds = 10 });
        using var picture = new Mat(48, 64, MatType.CV_8UC3, Scalar.All(90));
        for (var i = 0; i < 20; i++)
        {
            ring.Offer(Header(i, i * 100.0), picture);
        }

        // The file is replayed: its timestamps start again from 0 while the frame index goes on.
        for (var i = 20; i < 30; i++)
        {
            ring.Offer(Header(i, (i - 20) * 100.0), picture);
        }

        Assert.Equal([20L, 22, 24, 26, 28], ring.Since(-1, double.NegativeInfinity).Select(f => f.Sequence));
    }

    private static FrameHeader Header(long sequence, double ptsMs) => new("cam", sequence, ptsMs, true, 64, 48, 0);
}
