using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Scoring;

namespace StreamJepa.Inference.Tests.Scoring;

public sealed class EpisodeTrackerTests
{
    private static readonly ScoringOptions Options = new() { OnThreshold = 4, OffThreshold = 2, OpenAfter = 3, TopCells = 2 };

    [Fact]
    public void Update_OpensAfterConsecutiveHighFrames_ClosesBelowOff()
    {
        var tracker = new EpisodeTracker("cam", Options, 2, Ids());
        double[] scores = [1, 5, 6, 1, 5, 5, 7, 3, 3, 1.5, 6];
        var events = new List<(int Frame, string State, long? End, long Start)>();

        for (var f = 0; f < scores.Length; f++)
        {
            var map = new EnergyMap(2, 2, [0, f, 0, 2 * f]);
            if (tracker.Update(At(f, f * 100), scores[f], [scores[f], 0.5], map, 1) is { } e)
            {
                events.Add((f, e.State, e.EndFrame, e.StartFrame));
            }
        }

        // 5, 6 then 1: only two high frames, no episode. 5, 5, 7 opens at frame 6 (start 4); 3, 3 stay open
        // (above off); 1.5 closes at frame 9 with the last frame 8.
        Assert.Equal([(6, "opened", (long?)null, 4L), (9, "closed", 8L, 4L)], events);
    }

    [Fact]
    public void Episode_ReportsLevelsThatFired_PeakAndWhereInTheImage()
    {
        var tracker = new EpisodeTracker("cam", Options, 2, Ids());
        // Two rows of three tokens: the peak frame's hottest token is row 1, column 2.
        tracker.Update(At(0, 0), 5, [5, 1], new EnergyMap(2, 3, [0, 0, 0, 1, 0, 0]), 3);
        tracker.Update(At(1, 100), 9, [9, 1], new EnergyMap(2, 3, [0, 3, 0, 1, 0, 7]), 3);
        var opened = tracker.Update(At(2, 200), 5, [5, 1], new EnergyMap(2, 3, [0, 0, 0, 1, 0, 0]), 3)!;

        Assert.Equal(9, opened.PeakScore);
        Assert.Equal([1], opened.FiredLevels);
        Assert.Equal(9, opened.Levels[0].PeakSurprise);
        var top = opened.TopCells[0];
        Assert.Equal((1, 2, 2 / 3.0, 0.5, 1 / 3.0, 0.5), (top.Row, top.Column, top.X, top.Y, top.Width, top.Height));
        Assert.Equal((0, 1), (opened.TopCells[1].Row, opened.TopCells[1].Column));
        Assert.Equal(2, opened.TopCells.Count);
        Assert.Equal(3, opened.ModelVersion);
        Assert.Equal((1L, 0.0, 100.0), (opened.PeakFrame, (opened.StartUtc - DateTimeOffset.UnixEpoch).TotalMilliseconds, (opened.PeakUtc - DateTimeOffset.UnixEpoch).TotalMilliseconds));
        Assert.Null(opened.EndUtc);
    }

    [Fact]
    public void Episode_BoxesTheSurprisingRegionOfThePeakFrameInSourcePixels()
    {
        var tracker = new EpisodeTracker("cam", Options, 1, Ids());
        // A 4×4 grid over a 768×576 source: the peak frame's hot region is rows 1-2, columns 2-3; a lone warm cell
        // far away (row 3, column 0) stays out of the box.
        float[] peak = [0, 0, 0, 0, /**/ 0, 0, 8, 5, /**/ 0, 0, 6, 0, /**/ 7, 0, 0, 0];
        tracker.Update(new FrameMoment(0, 0, DateTimeOffset.UnixEpoch, 768, 576), 5, [5], new EnergyMap(4, 4, new float[16]), 1);
        tracker.Update(new FrameMoment(1, 100, DateTimeOffset.UnixEpoch, 768, 576), 9, [9], new EnergyMap(4, 4, peak), 1);
        var opened = tracker.Update(new FrameMoment(2, 200, DateTimeOffset.UnixEpoch, 768, 576), 5, [5], new EnergyMap(4, 4, new float[16]), 1)!;

        Assert.Equal(new PixelBox(384, 144, 384, 288), opened.Box);
        Assert.Equal((768, 576), (opened.SourceWidth, opened.SourceHeight));
    }

    [Fact]
    public void Region_IsTheCellsConnectedToTheHottestAtHalfItsEnergy_NullWithoutEnergy()
    {
        var map = new EnergyMap(3, 3, [4, 0, 0, /**/ 2, 0, 0, /**/ 0, 0, 3]);

        Assert.Equal(new PixelBox(0, 0, 100, 200), map.Region(300, 300));          // (2,2) is hot but not connected
        Assert.Equal(new PixelBox(0, 0, 100, 100), map.Region(300, 300, fraction: 0.6));
        Assert.Null(new EnergyMap(2, 2, new float[4]).Region(100, 100));
    }

    [Fact]
    public void Update_ReportsAnOpenEpisodeEveryUpdateEveryFrames()
    {
        var tracker = new EpisodeTracker("cam", Options with { UpdateEvery = 4 }, 1, Ids());
        var events = new List<(int Frame, string State, long Frames)>();
        for (var f = 0; f < 14; f++)
        {
            if (tracker.Update(At(f, f), f < 12 ? 9 : 0, [9], null, 1) is { } e)
            {
                events.Add((f, e.State, e.Frames));
            }
        }

        Assert.Equal([(2, "opened", 3L), (6, "updated", 7L), (10, "updated", 11L), (12, "closed", 12L)], events);
    }

    [Fact]
    public void Finish_ClosesAnOpenEpisode()
    {
        var tracker = new EpisodeTracker("cam", Options, 1, Ids());
        for (var f = 0; f < 4; f++)
        {
            tracker.Update(At(f, f), 10, [10], null, 1);
        }

        var closed = tracker.Finish();

        Assert.Equal(("closed", 0L, 3L, 4L), (closed!.State, closed.StartFrame, closed.EndFrame!.Value, closed.Frames));
        Assert.False(tracker.IsOpen);
    }

    [Fact]
    public void Ids_CountOpenedEpisodesOnly_RunsThatNeverOpenedTakeNoNumber()
    {
        var tracker = new EpisodeTracker("cam", Options, 1, Ids());
        double[] scores = [5, 1, 5, 5, 1, 5, 5, 5, 1, 5, 5, 5, 1];
        var ids = new List<long>();
        var unique = new HashSet<string>();

        for (var f = 0; f < scores.Length; f++)
        {
            if (tracker.Update(At(f, f), scores[f], [scores[f]], null, 1) is { State: "opened" } e)
            {
                ids.Add(e.Number);
                unique.Add(e.Id);
            }
        }

        Assert.Equal([1L, 2L], ids);
        Assert.Equal(2, unique.Count);
    }

    private static Func<EpisodeIdentity> Ids()
    {
        long next = 0;
        return () => new EpisodeIdentity(++next, Guid.NewGuid().ToString());
    }

    /// <summary>Frame <paramref name="frame"/> at <paramref name="ptsMs"/>, decoded that long after the Unix epoch.</summary>
    private static FrameMoment At(long frame, double ptsMs) => new(frame, ptsMs, DateTimeOffset.UnixEpoch.AddMilliseconds(ptsMs));
}
