using System.Text.Json;
using StreamJepa.Kafka.Messages;
using StreamJepa.Kafka.Tests.Support;

namespace StreamJepa.Kafka.Tests.Messages;

public sealed class AnomalyMessageTests
{
    [Fact]
    public void Parse_gives_back_the_episode_with_its_event_and_schema()
    {
        var episode = Episodes.Make("cam-1", 2, "closed");
        var message = AnomalyMessage.For(episode, new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));

        var back = AnomalyMessage.Parse(message.ToBytes());

        Assert.Equal("streamjepa.anomaly", back.Schema);
        Assert.Equal(5, back.Version);
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
            ["stream", "id", "number", "state", "startFrame", "endFrame", "startPtsMs", "endPtsMs", "frames", "peakScore", "levels", "firedLevels", "topCells", "modelVersion", "kind", "peakFrame", "startUtc", "peakUtc", "endUtc", "box", "sourceWidth", "sourceHeight", "source", "checkpointSha256", "evidence"],
            root.GetProperty("episode").EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("episode").GetProperty("endFrame").ValueKind);
        Assert.Equal("1970-01-01T00:00:01+00:00", root.GetProperty("episode").GetProperty("startUtc").GetString());
        Assert.Equal(
            ["row", "column", "x", "y", "width", "height", "energy"],
            root.GetProperty("episode").GetProperty("topCells")[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Headers_carry_the_CloudEvents_attributes_with_an_id_per_message_of_the_episode()
    {
        var episode = Episodes.Make("cam 1", 4, "closed");
        var published = new DateTimeOffset(2026, 11, 25, 3, 0, 0, 250, TimeSpan.Zero);

        var headers = AnomalyMessage.For(episode, published).Headers();
        var opened = AnomalyMessage.For(episode with { State = "opened" }, published).Headers();

        Assert.Equal($"{episode.Id}/closed/{episode.Frames}", MessageHeaders.Get(headers, "ce_id"));
        Assert.Equal("/streamjepa/streams/cam%201", MessageHeaders.Get(headers, "ce_source"));
        Assert.Equal("streamjepa.anomaly.closed", MessageHeaders.Get(headers, "ce_type"));
        Assert.Equal("2026-11-25T03:00:00.250Z", MessageHeaders.Get(headers, "ce_time"));
        Assert.Equal("1.0", MessageHeaders.Get(headers, "ce_specversion"));
        Assert.Equal("application/json", MessageHeaders.Get(headers, "content-type"));
        Assert.NotEqual(MessageHeaders.Get(headers, "ce_id"), MessageHeaders.Get(opened, "ce_id"));
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
        var text = System.Text.Encoding.UTF8.GetString(bytes).Replace("\"version\":5", "\"version\":4", StringComparison.Ordinal);

        Assert.Throws<FormatException>(() => AnomalyMessage.Parse(System.Text.Encoding.UTF8.GetBytes(text)));
    }
}
