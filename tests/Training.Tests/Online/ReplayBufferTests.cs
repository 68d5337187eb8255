using StreamJepa.Core.Frames;
using StreamJepa.Training.Online;

namespace StreamJepa.Training.Tests.Online;

public sealed class ReplayBufferTests
{
    [Fact]
    public void Sample_ClipsAreConsecutiveFramesOfOneRun_NeverAcrossAGap()
    {
        using var replay = new ReplayBuffer(recentFrames: 100, segments: 2, segmentLength: 4, shape: new FrameShape(1, 2, 2), seed: 1);
        for (var i = 0; i < 10; i++)
        {
            replay.Add("a", i, Frame(i));
        }

        for (var i = 20; i < 23; i++)
        {
            replay.Add("a", i, Frame(i));   // after a gap: a run of 3, too short for clips of 4
        }

        var clips = replay.Sample(32, 4, new Random(2)).data<float>().ToArray();
        for (var c = 0; c < 32; c++)
        {
            var first = clips[c * 16];
            Assert.True(first <= 6, $"clip starts at {first}, inside the first run");
            for (var t = 0; t < 4; t++)
            {
                Assert.Equal(first + t, clips[(c * 16) + (t * 4)]);
            }
        }
    }

    [Fact]
    public void OldFrames_KeptAsReservoirSegments_RecentWindowBounded()
    {
        using var replay = new ReplayBuffer(recentFrames: 8, segments: 3, segmentLength: 4, shape: new FrameShape(1, 1, 1), seed: 1, keep: ReplayKeep.Uniform);
        for (var i = 0; i < 400; i++)
        {
            replay.Add("a", i, [i]);
        }

        Assert.InRange(replay.Frames, 8 + 12, 8 + 4 + 12);
        var starts = Enumerable.Range(0, 200).Select(_ => replay.Sample(1, 4, new Random(_)).data<float>()[0]).ToHashSet();
        Assert.Contains(starts, s => s < 300);   // something old is still there
        Assert.Contains(starts, s => s > 390);   // and the most recent frames
    }

    [Theory]
    [InlineData(ReplayKeep.Diverse, true)]
    [InlineData(ReplayKeep.Uniform, false)]
    public void DiverseReservoir_KeepsTheOneMomentThatDiffered_AfterLongSameness(ReplayKeep keep, bool kept)
    {
        // An empty scene with a little noise for 160 frames, one segment in which something happened (frames 40-43),
        // then the empty scene again: the diverse reservoir keeps the event, a uniform one keeps it 1 time in 13.
        using var replay = new ReplayBuffer(recentFrames: 8, segments: 3, segmentLength: 4, shape: new FrameShape(1, 2, 2), seed: 1, keep: keep);
        var noise = new Random(7);
        for (var i = 0; i < 160; i++)
        {
            var value = i is >= 40 and < 44 ? 5f : (float)(noise.NextDouble() * 0.1);
            replay.Add("a", i, Frame(value));
        }

        var clips = replay.Sample(400, 4, new Random(3)).data<float>().ToArray();
        Assert.Equal(kept, clips.Contains(5f));
    }

    [Fact]
    public void HeldBackFrames_AreNeverTrainedOn_WhileTheyAreTheNewest()
    {
        using var replay = new ReplayBuffer(recentFrames: 100, segments: 2, segmentLength: 4, shape: new FrameShape(1, 1, 1), seed: 1, heldBack: 6);
        for (var i = 0; i < 20; i++)
        {
            replay.Add("a", i, [i]);
        }

        var trained = replay.Sample(200, 3, new Random(3)).data<float>().ToArray();
        var heldBack = replay.SampleHeldBack(200, 3, new Random(4))!.data<float>().ToArray();

        Assert.True(trained.Max() <= 13, $"a training clip reached frame {trained.Max()}, inside the held-back 14-19");
        Assert.True(heldBack.Min() >= 14, $"a held-back clip reached back to frame {heldBack.Min()}");
        Assert.Null(new ReplayBuffer(100, 2, 4, new FrameShape(1, 1, 1), 1, heldBack: 6).SampleHeldBack(1, 3, new Random(5)));
    }

    [Fact]
    public void CanSample_OnlyOnceARunIsLongEnough()
    {
        using var replay = new ReplayBuffer(10, 1, 4, new FrameShape(1, 1, 1), 1);
        replay.Add("a", 0, [0f]);
        replay.Add("a", 1, [1f]);

        Assert.False(replay.CanSample(3));
        replay.Add("a", 2, [2f]);
        Assert.True(replay.CanSample(3));
    }

    [Fact]
    public void A_stream_out_of_turn_keeps_its_held_back_frames_and_its_older_ones_as_bounded_segments()
    {
        using var replay = new ReplayBuffer(recentFrames: 100, segments: 10, segmentLength: 4, shape: new FrameShape(1, 1, 1), seed: 1, heldBack: 6, keep: ReplayKeep.Uniform);
        for (var i = 0; i < 50; i++)
        {
            replay.Add("in", i, [i]);
            replay.Add("out", i, [1000 + i]);
        }

        replay.Settle(stream => stream == "in");

        Assert.Equal(50 + 6 + 40, replay.Frames);   // "in" as it was; "out": its newest 6, and 44 older ones as 11 segments of 4, of which the reservoir keeps 10
        var heldBack = replay.SampleHeldBack(100, 3, new Random(1))!.data<float>().ToArray();
        Assert.Contains(heldBack, v => v >= 1044);  // the held-back check still covers the stream out of turn
        Assert.DoesNotContain(heldBack, v => v is >= 1000 and < 1044);
    }

    private static float[] Frame(float value) => [value, value, value, value];
}
