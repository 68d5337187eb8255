using StreamJepa.Evaluation.DevSet;

namespace StreamJepa.Evaluation.Tests.DevSet;

public sealed class InjectionTests
{
    [Fact]
    public void Wrong_direction_plays_back_from_the_start_then_forward_again_without_a_jump()
    {
        var schedule = new Injection(InjectionKind.WrongDirection, 10, 4).Schedule(30);

        Assert.Equal([.. Enumerable.Range(0, 10), 8, 7, 6, 5, 6, 7, 8, 9, 10], schedule.Take(19));
        Assert.Equal(29, schedule[^1]);
        Assert.All(schedule.Zip(schedule.Skip(1)), p => Assert.Equal(1, Math.Abs(p.Second - p.First)));
    }

    [Fact]
    public void Wrong_speed_skips_frames_only_inside_the_anomaly()
    {
        var schedule = new Injection(InjectionKind.WrongSpeed, 10, 5).Schedule(40);

        // steps[i]: how far output frame i + 1 is from frame i in the source.
        var steps = schedule.Zip(schedule.Skip(1), (a, b) => b - a).ToArray();
        Assert.All(steps[9..14], s => Assert.Equal(Injection.SpeedFactor, s));
        Assert.All(steps[..9].Concat(steps[14..]), s => Assert.Equal(1, s));
        Assert.Equal(39, schedule[^1]);
    }

    [Fact]
    public void Stopped_time_repeats_the_last_frame_for_the_whole_anomaly()
    {
        var schedule = new Injection(InjectionKind.StoppedTime, 10, 5).Schedule(20);

        Assert.Equal(25, schedule.Count);
        Assert.All(schedule.Skip(10).Take(5), f => Assert.Equal(9, f));
        Assert.Equal(10, schedule[15]);
        Assert.Equal(new FrameRange(10, 15, "StoppedTime"), new Injection(InjectionKind.StoppedTime, 10, 5).Range);
    }

    [Theory]
    [InlineData(InjectionKind.Intruder)]
    [InlineData(InjectionKind.LightsDown)]
    [InlineData(InjectionKind.SmallObject)]
    [InlineData(InjectionKind.CameraShift)]
    [InlineData(InjectionKind.Defocus)]
    [InlineData(InjectionKind.Mirrored)]
    [InlineData(InjectionKind.Occlusion)]
    [InlineData(InjectionKind.ColourCast)]
    [InlineData(InjectionKind.SlowObject)]
    [InlineData(InjectionKind.AbandonedObject)]
    public void Drawn_anomalies_keep_every_frame_in_order(InjectionKind kind) =>
        Assert.Equal(Enumerable.Range(0, 50), new Injection(kind, 20, 10).Schedule(50));

    [Theory]
    [InlineData(InjectionKind.WrongSpeed, 10, 10, 45)]
    [InlineData(InjectionKind.WrongDirection, 10, 10, 100)]
    [InlineData(InjectionKind.StoppedTime, 60, 10, 50)]
    public void An_injection_that_does_not_fit_the_clip_is_refused_with_what_it_needs(InjectionKind kind, int start, int length, int frames)
    {
        var error = Assert.Throws<ArgumentException>(() => new Injection(kind, start, length).Schedule(frames));
        Assert.Contains($"does not fit a clip of {frames} frames", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_injections_give_every_kind_four_videos_that_fit_vtests_held_out_frames()
    {
        var injections = DevSetBuilder.DefaultInjections(345);

        Assert.All(Enum.GetValues<InjectionKind>(), kind => Assert.Equal([50, 100, 150, 200], injections.Where(i => i.Kind == kind).Select(i => i.Start)));
        // vtest's 795 frames less the 450 it trains on: every schedule fits (Schedule throws if not) and shows only those frames.
        Assert.All(injections, i => Assert.InRange(i.Schedule(345).Max(), 0, 344));
    }

    [Theory]
    [InlineData(256)]     // box.mp4's 456 frames less the 200 it trains on
    [InlineData(174)]     // the fewest that take four places
    public void On_a_shorter_clip_the_four_places_close_up_so_that_every_kind_still_fits(int held)
    {
        var injections = DevSetBuilder.DefaultInjections(held);

        Assert.All(Enum.GetValues<InjectionKind>(), kind => Assert.Equal(4, injections.Where(i => i.Kind == kind).Select(i => i.Start).Distinct().Count()));
        Assert.All(injections, i => Assert.InRange(i.Schedule(held).Max(), 0, held - 1));
        Assert.Equal(50, injections.Min(i => i.Start));
    }

    [Fact]
    public void A_clip_too_short_for_four_places_is_refused_with_how_many_frames_it_needs()
    {
        var error = Assert.Throws<InvalidDataException>(() => DevSetBuilder.DefaultInjections(173));
        Assert.Contains("at least 174 are needed", error.Message, StringComparison.Ordinal);
    }
}
