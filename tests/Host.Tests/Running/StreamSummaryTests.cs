using StreamJepa.Core.Results;
using StreamJepa.Host.Running;

namespace StreamJepa.Host.Tests.Running;

public sealed class StreamSummaryTests
{
    [Theory]
    [InlineData("running", false, 0, "running")]
    [InlineData("running", true, 0, "warming up")]
    [InlineData("running", false, 4, "running")]
    [InlineData("running", true, 5, "frozen")]
    [InlineData("reconnecting", true, 9, "reconnecting")]
    public void Status_ARunningStreamShowsWhatScoringKnows(string source, bool warmingUp, int repeats, string expected)
    {
        var latest = new FrameScore("cam", 10, 1000, 1.0, [], false, 1, WarmingUp: warmingUp, Repeats: repeats);

        Assert.Equal(expected, StreamSummary.Status(source, latest, frozenAfter: 5));
        Assert.Equal(source, StreamSummary.Status(source, null, frozenAfter: 5));
    }

    [Fact]
    public void Status_FrozenCheckOff_NeverFrozen() =>
        Assert.Equal("running", StreamSummary.Status("running", new FrameScore("cam", 10, 1000, 1.0, [], false, 1, Repeats: 50), frozenAfter: 0));
}
