using StreamJepa.Core.Results;
using StreamJepa.Kafka.Messages;

namespace StreamJepa.Kafka.Tests.Messages;

public sealed class EmbeddingCodecTests
{
    [Fact]
    public void Decode_gives_back_what_was_encoded()
    {
        var embedding = new Embedding("cam-ü-1", 123_456_789_012, 4_115.5, 2, 7, [1.5f, -0.25f, float.Epsilon, 3e30f]);

        var bytes = EmbeddingCodec.Encode(embedding);
        var back = EmbeddingCodec.Decode(bytes);

        Assert.Equal(EmbeddingCodec.HeaderBytes + "cam-ü-1"u8.Length + 16, bytes.Length);
        Assert.Equal(embedding with { Vector = [] }, back with { Vector = [] });
        Assert.Equal(embedding.Vector, back.Vector);
    }

    [Fact]
    public void Layout_is_the_documented_little_endian_one()
    {
        var bytes = EmbeddingCodec.Encode(new Embedding("s", 5, 200, 1, 9, [1f]));

        Assert.Equal("SJEM"u8.ToArray(), bytes[..4]);
        Assert.Equal([1, 1, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0], bytes[4..16]);
        Assert.Equal(200.0, BitConverter.ToDouble(bytes, 16));
        Assert.Equal(9, BitConverter.ToInt64(bytes, 24));
        Assert.Equal(1, BitConverter.ToInt32(bytes, 32));
        Assert.Equal((byte)'s', bytes[36]);
        Assert.Equal(1f, BitConverter.ToSingle(bytes, 37));
    }

    [Theory]
    [InlineData(0, "magic")]
    [InlineData(4, "version 9")]
    [InlineData(-1, "does not match its header")]
    public void Damaged_messages_are_refused_with_the_reason(int corruptAt, string reason)
    {
        var bytes = EmbeddingCodec.Encode(new Embedding("s", 5, 200, 1, 9, [1f, 2f]));
        if (corruptAt >= 0)
        {
            bytes[corruptAt] = 9;
        }
        else
        {
            bytes = bytes[..^1];
        }

        var error = Assert.Throws<FormatException>(() => EmbeddingCodec.Decode(bytes));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
