namespace StreamJepa.Evaluation.Tests;

public sealed class FrameMetricsTests
{
    [Fact]
    public void Auc_is_one_for_perfect_separation_half_for_ties_and_counts_ties_half()
    {
        Assert.Equal(1.0, FrameMetrics.RocAuc([0.1, 0.2, 0.9, 0.8], [false, false, true, true]));
        Assert.Equal(0.0, FrameMetrics.RocAuc([0.9, 0.8, 0.1, 0.2], [false, false, true, true]));
        Assert.Equal(0.5, FrameMetrics.RocAuc([1, 1, 1, 1], [false, true, false, true]));
        // positive 0.5 beats 0.1, ties 0.5, loses to 0.9: (1 + 0.5 + 0) / 3
        Assert.Equal(0.5, FrameMetrics.RocAuc([0.1, 0.5, 0.9, 0.5], [false, false, false, true]), 9);
        Assert.True(double.IsNaN(FrameMetrics.RocAuc([1, 2], [false, false])));
    }

    [Fact]
    public void Average_precision_follows_the_ranking()
    {
        // ranking: P, N, P → precisions at the positives 1/1 and 2/3
        Assert.Equal((1 + (2.0 / 3)) / 2, FrameMetrics.AveragePrecision([0.9, 0.8, 0.7], [true, false, true]), 9);
        Assert.Equal(1.0, FrameMetrics.AveragePrecision([0.9, 0.8, 0.1], [true, true, false]), 9);
    }

    [Fact]
    public void False_episodes_are_runs_of_alerts_that_begin_on_a_normal_frame()
    {
        //            0      1     2     3      4      5     6     7     8      9      10    11
        bool[] alerts = [false, true, true, false, false, true, true, true, false, false, true, true];
        FrameRange[] ranges = [new(5, 7), new(11, 12)];

        // The run at 1-2 is false; 5-7 began inside a range (a detection, though it outlasts it); 10-11 began at
        // 10, one frame before the range at 11: false.
        Assert.Equal(2, FrameMetrics.FalseEpisodes(alerts, ranges));
        Assert.Equal(3, FrameMetrics.FalseEpisodes(alerts, []));
        Assert.Equal(0, FrameMetrics.FalseEpisodes(new bool[5], []));
    }

    [Fact]
    public void Detection_latency_is_frames_from_the_start_to_the_first_alert_inside_the_range()
    {
        var alerts = new bool[20];
        alerts[3] = true;   // before the first range: a false alarm, not a detection
        alerts[7] = true;

        var latencies = FrameMetrics.DetectionLatencies(alerts, [new FrameRange(5, 10), new FrameRange(12, 15)]);

        Assert.Equal([2L, null], latencies);
    }

    [Fact]
    public void Baseline_alerts_fire_causally_after_a_jump_held_for_three_frames()
    {
        var scores = Enumerable.Range(0, 100).Select(i => 1.0 + (0.01 * (i % 5))).ToArray();
        for (var t = 60; t < 70; t++)
        {
            scores[t] = 5;
        }

        var alerts = CausalAlerts.From(scores);

        Assert.Equal(62, Array.IndexOf(alerts, true));
        Assert.DoesNotContain(true, alerts[..60]);
    }
}
