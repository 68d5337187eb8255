using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace StreamJepa.Publish.Messages;

/// <summary>The headers every StreamJepa message carries (docs/schema/README.md).</summary>
public static class MessageHeaders
{
    public const string Schema = "schema";
    public const string SchemaVersion = "schema-version";
    public const string ModelVersion = "model-version";
    public const string ContentType = "content-type";

    public static Headers Create(string schema, int schemaVersion, long modelVersion, string contentType) =>
    [
        new Header(Schema, Encoding.UTF8.GetBytes(schema)),
        new Header(SchemaVersion, Encoding.UTF8.GetBytes(schemaVersion.ToString(CultureInfo.InvariantCulture))),
        new Header(ModelVersion, Encoding.UTF8.GetBytes(modelVersion.ToString(CultureInfo.InvariantCulture))),
        new Header(ContentType, Encoding.UTF8.GetBytes(contentType)),
    ];

    /// <summary>The value of a header as text, or null when absent.</summary>
    public static string? Get(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
