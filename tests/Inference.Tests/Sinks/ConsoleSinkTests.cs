using StreamJepa.Core.Results;
using StreamJepa.Inference.Sinks;

namespace StreamJepa.Inference.Tests.Sinks;

public sealed class ConsoleSinkTests
{
    [Fact]
    public async Task Episodes_are_printed_one_readable_line_each()
    {
        using var output = new StringWriter();
        var sink = new ConsoleSink(output);

        sink.OnEpisode(new AnomalyEpisode("lobby", "0190a8f2-0000-7000-8000-000000000002", 2, "opened", 120, null, 4000, null, 3, 7.25, [new EpisodeLevel(1, 7.25, 6)], [1], [new SpatialCell(3, 5, 0.625, 0.375, 0.125, 0.125, 0.9)], 4));
        sink.OnEpisode(new AnomalyEpisode("lobby", "0190a8f2-0000-7000-8000-000000000002", 2, "closed", 120, 151, 4000, 5200, 32, 7.25, [new EpisodeLevel(1, 7.25, 6), new EpisodeLevel(2, 4.5, 3)], [1, 2], [], 4));
        sink.OnEpisode(new AnomalyEpisode("lobby", "0190a8f2-0000-7000-8000-000000000003", 3, "opened", 300, null, 30000, null, 5, 4, [], [], [], 4, AnomalyEpisode.Frozen));
        await sink.FlushAsync(CancellationToken.None);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ANOMALY opened  lobby #2 from frame 120 (3 so far) (4.0 s) peak 7.2 levels fired 1 at r3c5 (model v4)", lines[0]);
        Assert.Equal("ANOMALY closed  lobby #2 frames 120-151 (4.0-5.2 s) peak 7.2 levels fired 1,2 (model v4)", lines[1]);
        Assert.Equal("FROZEN  opened  lobby #3 from frame 300 (5 so far) (30.0 s) (model v4)", lines[2]);
        Assert.False(sink.WantsEmbeddings);
    }
}
