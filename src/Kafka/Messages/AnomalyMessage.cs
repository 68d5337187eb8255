using System.Text.Json;
using System.Text.Json.Serialization;
using Confluent.Kafka;
using StreamJepa.Core.Results;

namespace StreamJepa.Kafka.Messages;

/// <summary>
/// The anomalies topic's message, schema <c>streamjepa.anomaly</c> version 5 (docs/schema/anomaly.md): an envelope
/// with the event (opened, updated, closed) around the episode as it stands.
/// </summary>
public sealed record AnomalyMessage(
    string Schema,
    int Version,
    string Event,
    DateTimeOffset PublishedAt,
    AnomalyEpisode Episode)
{
    public const string SchemaName = "streamjepa.anomaly";
    public const int SchemaVersion = 5;
    public const string ContentType = "application/json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static AnomalyMessage For(AnomalyEpisode episode, DateTimeOffset now) =>
        new(SchemaName, SchemaVersion, episode.State, now, episode);

    /// <summary>Reads a message, checking its schema and version.</summary>
    public static AnomalyMessage Parse(ReadOnlySpan<byte> value)
    {
        var message = JsonSerializer.Deserialize<AnomalyMessage>(value, Json)
            ?? throw new FormatException("an anomaly message is a JSON object");
        if (message.Schema != SchemaName || message.Version != SchemaVersion)
        {
            throw new FormatException($"expected {SchemaName} version {SchemaVersion}, got {message.Schema} version {message.Version}");
        }

        return message;
    }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>
    /// Headers, with the CloudEvent id <c>{episode id}/{event}/{frames}</c>: the same for a message sent again, and
    /// different for each message of an episode.
    /// </summary>
    public Headers Headers() => MessageHeaders.Create(
        SchemaName,
        SchemaVersion,
        Episode.ModelVersion,
        ContentType,
        new CloudEvent($"{Episode.Id}/{Event}/{Episode.Frames}", CloudEvent.StreamSource(Episode.Stream), $"{SchemaName}.{Event}", PublishedAt));
}
