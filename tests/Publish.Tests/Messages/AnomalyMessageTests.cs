using System.Text.Json;
using StreamJepa.Publish.Messages;
using StreamJepa.Publish.Tests.Support;

namespace StreamJepa.Publish.Tests.Messages;

public sealed class AnomalyMessageTests
{
    [Fact]
    public void Parse_gives_back_the_episode_with_its_event_and_schema()
    {
        var episode = Episodes.Make("cam-1", 2, "closed");
        var message = AnomalyMessage.For(episode, new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));

        var back = AnomalyMessage.Parse(message.ToBytes());

        Assert.Equal("streamjepa.anomaly", back.Schema);
        Assert.Equal(2, back.Version);
        Assert.Equal("closed", back.Event);
        Assert.Equal(message.PublishedAt, back.PublishedAt);
        Assert.Equal(JsonSerializer.Serialize(episode), JsonSerializer.Serialize(back.Episode));
    }

    [Fact]
    public void Fields_have_the_documented_names()
    {
        using var json = JsonDocument.Parse(AnomalyMessage.For(Episodes.Make("cam-1", 1), DateTimeOffset.UnixEpoch).ToBytes());
        var root = json.RootElement;

        Assert.Equal(["schema", "version", "event", "publishedAt", "episode"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["stream", "id", "state", "startFrame", "endFrame", "startPtsMs", "endPtsMs", "frames", "peakScore", "levels", "firedLevels", "topCells", "modelVersion", "kind"],
            root.GetProperty("episode").EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("episode").GetProperty("endFrame").ValueKind);
        Assert.Equal(
            ["row", "column", "x", "y", "width", "height", "energy"],
            root.GetProperty("episode").GetProperty("topCells")[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void A_message_without_a_kind_reads_as_a_surprise_episode()
    {
        var bytes = AnomalyMessage.For(Episodes.Make("cam-1", 1), DateTimeOffset.UnixEpoch).ToBytes();
        var text = System.Text.Encoding.UTF8.GetString(bytes).Replace(",\"kind\":\"surprise\"", string.Empty, StringComparison.Ordinal);

        Assert.DoesNotContain("kind", text, StringComparison.Ordinal);
        Assert.Equal(Core.Results.AnomalyEpisode.Surprise, AnomalyMessage.Parse(System.Text.Encoding.UTF8.GetBytes(text)).Episode.Kind);
    }

    [Fact]
    public void A_message_of_another_schema_version_is_refused()
    {
        var bytes = AnomalyMessage.For(Episodes.Make("cam-1", 1), DateTimeOffset.UnixEpoch).ToBytes();
        var text = System.Text.Encoding.UTF8.GetString(bytes).Replace("\"version\":2", "\"version\":1", StringComparison.Ordinal);

        Assert.Throws<FormatException>(() => AnomalyMessage.Parse(System.Text.Encoding.UTF8.GetBytes(text)));
    }
}
