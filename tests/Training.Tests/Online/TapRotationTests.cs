using StreamJepa.Training.Online;

namespace StreamJepa.Training.Tests.Online;

public sealed class TapRotationTests
{
    [Fact]
    public void With_no_more_streams_than_places_every_frame_is_taken()
    {
        var rotation = new TapRotation(streamsAtOnce: 4, turnFrames: 5);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(rotation.Takes($"s{i % 4}"));
        }
    }

    [Fact]
    public void Many_streams_take_turns_of_unbroken_runs_and_each_gets_its_turn()
    {
        var rotation = new TapRotation(streamsAtOnce: 2, turnFrames: 10);
        var taken = Enumerable.Range(0, 6).ToDictionary(s => $"s{s}", _ => new List<int>());
        for (var frame = 0; frame < 200; frame++)
        {
            foreach (var (stream, frames) in taken)
            {
                if (rotation.Takes(stream))
                {
                    frames.Add(frame);
                }
            }
        }

        foreach (var (stream, frames) in taken)
        {
            Assert.True(frames.Count >= 40, $"{stream} got {frames.Count} of 200 frames");
            var runs = Runs(frames);
            Assert.All(runs.SkipLast(1), run => Assert.Equal(10, run));   // whole turns of consecutive frames
        }

        Assert.InRange(taken.Values.Sum(f => f.Count), 2 * 200, 2 * 220);  // two streams in turn (both at a hand-over)
    }

    [Fact]
    public void A_stream_that_stops_sending_gives_its_place_to_one_that_waits()
    {
        var rotation = new TapRotation(streamsAtOnce: 1, turnFrames: 10);
        Assert.True(rotation.Takes("gone"));
        Assert.True(rotation.InTurn("gone"));
        var waited = 0;
        while (!rotation.Takes("waiting"))
        {
            waited++;
            Assert.True(waited < 100, "the waiting stream never got the place");
        }

        Assert.InRange(waited, 40, 50);     // the others offered 4 turns' frames since the stopped stream's last (looked at once a turn)
        Assert.False(rotation.InTurn("gone"));
    }

    private static List<int> Runs(List<int> frames)
    {
        var runs = new List<int> { 1 };
        for (var i = 1; i < frames.Count; i++)
        {
            if (frames[i] == frames[i - 1] + 1)
            {
                runs[^1]++;
            }
            else
            {
                runs.Add(1);
            }
        }

        return runs;
    }
}
