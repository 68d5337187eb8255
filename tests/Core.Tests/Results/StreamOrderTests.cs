using StreamJepa.Core.Results;

namespace StreamJepa.Core.Tests.Results;

public sealed class StreamOrderTests
{
    [Fact]
    public void Add_HoldsRecordsUntilEarlierFramesArrive()
    {
        var order = new StreamOrder<string>(100);

        Assert.Equal(["0"], order.Add(0, "0"));
        Assert.Empty(order.Add(2, "2-dropped"));
        Assert.Empty(order.Add(3, "3"));
        Assert.Equal(["1", "2-dropped", "3"], order.Add(1, "1"));
        Assert.Equal(0, order.Skipped);
    }

    [Fact]
    public void Drain_WritesWhatWaits_CountingFramesThatNeverCame()
    {
        var order = new StreamOrder<string>(100);
        order.Add(0, "0");
        order.Add(3, "3");

        Assert.Equal(["3"], order.Drain());
        Assert.Equal(2, order.Skipped);
    }
}
