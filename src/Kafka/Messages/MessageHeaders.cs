using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace StreamJepa.Kafka.Messages;

/// <summary>
/// The headers every StreamJepa message carries (docs/schema/README.md): its schema, version, model version and
/// content type, and the CloudEvents 1.0 attributes of the Kafka binary content mode (<c>ce_id</c>, <c>ce_source</c>,
/// <c>ce_type</c>, <c>ce_time</c>, <c>ce_specversion</c>; <c>content-type</c> is the event's data content type).
/// </summary>
public static class MessageHeaders
{
    public const string Schema = "schema";
    public const string SchemaVersion = "schema-version";
    public const string ModelVersion = "model-version";
    public const string ContentType = "content-type";
    public const string EventId = "ce_id";
    public const string EventSource = "ce_source";
    public const string EventType = "ce_type";
    public const string EventTime = "ce_time";
    public const string EventSpecVersion = "ce_specversion";

    public static Headers Create(string schema, int schemaVersion, long modelVersion, string contentType, CloudEvent cloudEvent) =>
    [
        new Header(Schema, Encoding.UTF8.GetBytes(schema)),
        new Header(SchemaVersion, Encoding.UTF8.GetBytes(schemaVersion.ToString(CultureInfo.InvariantCulture))),
        new Header(ModelVersion, Encoding.UTF8.GetBytes(modelVersion.ToString(CultureInfo.InvariantCulture))),
        new Header(ContentType, Encoding.UTF8.GetBytes(contentType)),
        new Header(EventId, Encoding.UTF8.GetBytes(cloudEvent.Id)),
        new Header(EventSource, Encoding.UTF8.GetBytes(cloudEvent.Source)),
        new Header(EventType, Encoding.UTF8.GetBytes(cloudEvent.Type)),
        new Header(EventTime, Encoding.UTF8.GetBytes(cloudEvent.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))),
        new Header(EventSpecVersion, "1.0"u8.ToArray()),
    ];

    /// <summary>The value of a header as text, or null when absent.</summary>
    public static string? Get(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}

/// <summary>
/// A message's CloudEvents attributes: <paramref name="Id"/> unique for its <paramref name="Source"/> (a message sent
/// again after a crash keeps it, since the journal keeps the headers), the stream as source, the event type, the time.
/// </summary>
public sealed record CloudEvent(string Id, string Source, string Type, DateTimeOffset Time)
{
    /// <summary>The source of a stream's events: <c>/streamjepa/streams/{stream}</c>.</summary>
    public static string StreamSource(string stream) => $"/streamjepa/streams/{Uri.EscapeDataString(stream)}";

    /// <summary>An event of <paramref name="stream"/> with a new UUIDv7 as id.</summary>
    public static CloudEvent New(string stream, string type, DateTimeOffset time) =>
        new(Guid.CreateVersion7(time).ToString(), StreamSource(stream), type, time);
}
