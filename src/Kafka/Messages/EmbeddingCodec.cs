using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using StreamJepa.Core.Results;

namespace StreamJepa.Kafka.Messages;

/// <summary>
/// The embeddings topic's binary form, schema <c>streamjepa.embedding</c> version 1 (docs/schema/embedding.md),
/// all little-endian: magic "SJEM", version (u8), level (u8), stream id length (u16), frame (i64), ptsMs (f64),
/// model version (i64), dimension (i32), stream id (UTF-8), then the vector as float32. This class is also the
/// reference reader.
/// </summary>
public static class EmbeddingCodec
{
    public const string SchemaName = "streamjepa.embedding";
    public const int SchemaVersion = 1;
    public const string ContentType = "application/vnd.streamjepa.embedding.v1";
    public const int HeaderBytes = 36;
    private static readonly byte[] Magic = "SJEM"u8.ToArray();

    public static byte[] Encode(Embedding embedding)
    {
        var id = Encoding.UTF8.GetBytes(embedding.Stream);
        if (id.Length > ushort.MaxValue || embedding.Level is < 1 or > byte.MaxValue)
        {
            throw new ArgumentException($"stream id of {id.Length} bytes or level {embedding.Level} does not fit the embedding header", nameof(embedding));
        }

        var bytes = new byte[HeaderBytes + id.Length + (4 * embedding.Vector.Length)];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        span[4] = SchemaVersion;
        span[5] = (byte)embedding.Level;
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)id.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], embedding.Frame);
        BinaryPrimitives.WriteDoubleLittleEndian(span[16..], embedding.PtsMs);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], embedding.ModelVersion);
        BinaryPrimitives.WriteInt32LittleEndian(span[32..], embedding.Vector.Length);
        id.CopyTo(span[HeaderBytes..]);
        var vector = span[(HeaderBytes + id.Length)..];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(embedding.Vector.AsSpan()).CopyTo(vector);
        }
        else
        {
            for (var i = 0; i < embedding.Vector.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(vector[(4 * i)..], embedding.Vector[i]);
            }
        }

        return bytes;
    }

    /// <summary>Reads a message written by <see cref="Encode"/>; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static Embedding Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderBytes || !bytes[..4].SequenceEqual(Magic))
        {
            throw new FormatException("not a StreamJepa embedding (magic \"SJEM\" missing)");
        }

        if (bytes[4] != SchemaVersion)
        {
            throw new FormatException($"embedding version {bytes[4]} is not supported (this reader knows {SchemaVersion})");
        }

        int level = bytes[5];
        int idLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]);
        var frame = BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]);
        var pts = BinaryPrimitives.ReadDoubleLittleEndian(bytes[16..]);
        var model = BinaryPrimitives.ReadInt64LittleEndian(bytes[24..]);
        var dim = BinaryPrimitives.ReadInt32LittleEndian(bytes[32..]);
        if (dim < 0 || bytes.Length != HeaderBytes + idLength + (4L * dim))
        {
            throw new FormatException($"embedding of {bytes.Length} bytes does not match its header (stream id {idLength} bytes, dimension {dim})");
        }

        var stream = Encoding.UTF8.GetString(bytes.Slice(HeaderBytes, idLength));
        var vector = new float[dim];
        var data = bytes[(HeaderBytes + idLength)..];
        for (var i = 0; i < dim; i++)
        {
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
        }

        return new Embedding(stream, frame, pts, level, model, vector);
    }

    public static Headers Headers(Embedding embedding, DateTimeOffset time) =>
        MessageHeaders.Create(SchemaName, SchemaVersion, embedding.ModelVersion, ContentType, CloudEvent.New(embedding.Stream, SchemaName, time));
}
