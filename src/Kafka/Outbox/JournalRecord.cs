using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;

namespace StreamJepa.Kafka.Outbox;

/// <summary>
/// One journal record: length (i32), CRC-32 of the payload (u32), payload. The payload holds topic, key, value and
/// headers, each length-prefixed, little-endian.
/// </summary>
internal static class JournalRecord
{
    public const int PrefixBytes = 8;

    public static byte[] Encode(OutboxItem item)
    {
        var topic = Encoding.UTF8.GetBytes(item.Topic);
        var key = Encoding.UTF8.GetBytes(item.Message.Key ?? string.Empty);
        var headers = item.Message.Headers?.Select(h => (Name: Encoding.UTF8.GetBytes(h.Key), Value: h.GetValueBytes() ?? [])).ToList() ?? [];
        var value = item.Message.Value ?? [];
        var size = 2 + topic.Length + 2 + key.Length + 4 + value.Length + 1 + headers.Sum(h => 2 + h.Name.Length + 4 + h.Value.Length);
        var record = new byte[PrefixBytes + size];
        var writer = new Writer(record.AsSpan(PrefixBytes));
        writer.Short(topic);
        writer.Short(key);
        writer.Long(value);
        writer.Byte((byte)headers.Count);
        foreach (var (name, bytes) in headers)
        {
            writer.Short(name);
            writer.Long(bytes);
        }

        BinaryPrimitives.WriteInt32LittleEndian(record, size);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32.Compute(record.AsSpan(PrefixBytes)));
        return record;
    }

    /// <summary>Reads the next record; null at the end of the file or at a torn record (a crash while writing).</summary>
    public static OutboxItem? Read(Stream stream)
    {
        Span<byte> prefix = stackalloc byte[PrefixBytes];
        if (stream.ReadAtLeast(prefix, PrefixBytes, throwOnEndOfStream: false) < PrefixBytes)
        {
            return null;
        }

        var size = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (size <= 0 || size > stream.Length - stream.Position)
        {
            return null;
        }

        var payload = new byte[size];
        stream.ReadExactly(payload);
        if (Crc32.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(prefix[4..]))
        {
            return null;
        }

        var reader = new Reader(payload);
        var topic = Encoding.UTF8.GetString(reader.Short());
        var key = Encoding.UTF8.GetString(reader.Short());
        var value = reader.Long().ToArray();
        var count = reader.Byte();
        var headers = new Headers();
        for (var i = 0; i < count; i++)
        {
            headers.Add(Encoding.UTF8.GetString(reader.Short()), reader.Long().ToArray());
        }

        return new OutboxItem(topic, new Message<string, byte[]> { Key = key, Value = value, Headers = headers });
    }

    private ref struct Writer(Span<byte> span)
    {
        private readonly Span<byte> _span = span;
        private int _at;

        public void Byte(byte value) => _span[_at++] = value;

        public void Short(byte[] bytes)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_span[_at..], checked((ushort)bytes.Length));
            bytes.CopyTo(_span[(_at + 2)..]);
            _at += 2 + bytes.Length;
        }

        public void Long(byte[] bytes)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_span[_at..], bytes.Length);
            bytes.CopyTo(_span[(_at + 4)..]);
            _at += 4 + bytes.Length;
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> span)
    {
        private readonly ReadOnlySpan<byte> _span = span;
        private int _at;

        public byte Byte() => _span[_at++];

        public ReadOnlySpan<byte> Short()
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(_span[_at..]);
            var bytes = _span.Slice(_at + 2, length);
            _at += 2 + length;
            return bytes;
        }

        public ReadOnlySpan<byte> Long()
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(_span[_at..]);
            var bytes = _span.Slice(_at + 4, length);
            _at += 4 + length;
            return bytes;
        }
    }
}
