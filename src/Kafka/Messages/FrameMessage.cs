using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;
using StreamJepa.Core.Frames;

namespace StreamJepa.Kafka.Messages;

/// <summary>
/// The frames topic's message, schema <c>streamjepa.frame</c> version 1 (docs/schema/frame.md), written by
/// <c>streamjepa ingest</c> at the edge and read by <c>run --source kafka://TOPIC</c>. Little-endian: magic "SJFR",
/// version (u8), kind (u8: 0 frame, 1 dropped, 2 damaged), stream id length (u16), sequence (i64), ptsMs (f64),
/// source width and height (i32 each), stream id (UTF-8), then the JPEG (empty for a dropped or damaged frame).
/// </summary>
public static class FrameMessage
{
    public const string SchemaName = "streamjepa.frame";
    public const int SchemaVersion = 1;
    public const string ContentType = "application/vnd.streamjepa.frame.v1";
    public const int HeaderBytes = 36;
    private static readonly byte[] Magic = "SJFR"u8.ToArray();

    public static byte[] Encode(FrameHeader header, FrameMessageKind kind, ReadOnlySpan<byte> jpeg)
    {
        var id = Encoding.UTF8.GetBytes(header.StreamId);
        var bytes = new byte[HeaderBytes + id.Length + jpeg.Length];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        span[4] = SchemaVersion;
        span[5] = (byte)kind;
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], checked((ushort)id.Length));
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], header.Sequence);
        BinaryPrimitives.WriteDoubleLittleEndian(span[16..], header.PtsMs);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], header.SourceWidth);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], header.SourceHeight);
        id.CopyTo(span[HeaderBytes..]);
        jpeg.CopyTo(span[(HeaderBytes + id.Length)..]);
        return bytes;
    }

    /// <summary>Reads a message; the JPEG is a slice of <paramref name="bytes"/>. Throws <see cref="FormatException"/>.</summary>
    public static (FrameMessageKind Kind, string Stream, long Sequence, double PtsMs, int SourceWidth, int SourceHeight, ReadOnlyMemory<byte> Jpeg) Decode(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        if (span.Length < HeaderBytes || !span[..4].SequenceEqual(Magic))
        {
            throw new FormatException("not a StreamJepa frame (magic \"SJFR\" missing)");
        }

        if (span[4] != SchemaVersion || span[5] > 2)
        {
            throw new FormatException($"frame version {span[4]} kind {span[5]} is not supported");
        }

        int idLength = BinaryPrimitives.ReadUInt16LittleEndian(span[6..]);
        if (span.Length < HeaderBytes + idLength)
        {
            throw new FormatException("frame message shorter than its header");
        }

        return (
            (FrameMessageKind)span[5],
            Encoding.UTF8.GetString(span.Slice(HeaderBytes, idLength)),
            BinaryPrimitives.ReadInt64LittleEndian(span[8..]),
            BinaryPrimitives.ReadDoubleLittleEndian(span[16..]),
            BinaryPrimitives.ReadInt32LittleEndian(span[24..]),
            BinaryPrimitives.ReadInt32LittleEndian(span[28..]),
            bytes[(HeaderBytes + idLength)..]);
    }

    public static Headers Headers(string stream, DateTimeOffset time) =>
        MessageHeaders.Create(SchemaName, SchemaVersion, -1, ContentType, CloudEvent.New(stream, SchemaName, time));
}

/// <summary>What a frame message carries.</summary>
public enum FrameMessageKind : byte
{
    Frame = 0,
    Dropped = 1,
    Damaged = 2,
}
