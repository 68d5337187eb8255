using System.Buffers;
using System.Text.Json;
using Confluent.Kafka;
using StreamJepa.Core.Results;

namespace StreamJepa.Kafka.Messages;

/// <summary>
/// The scores topic's message, schema <c>streamjepa.score</c> version 2: the same JSON object as a line of the
/// JSONL scores file (docs/jsonl.md, whose version it follows), a dropped or damaged frame included.
/// </summary>
public static class ScoreMessage
{
    public const string SchemaName = "streamjepa.score";
    public const int SchemaVersion = 2;
    public const string ContentType = "application/json";

    public static byte[] Encode(FrameScore score) => Write(json => ResultJson.Write(json, score));

    public static byte[] Encode(FrameGap gap) => Write(json => ResultJson.Write(json, gap));

    public static Headers Headers(string stream, long modelVersion, DateTimeOffset time) =>
        MessageHeaders.Create(SchemaName, SchemaVersion, modelVersion, ContentType, CloudEvent.New(stream, SchemaName, time));

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
