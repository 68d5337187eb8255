using System.Security.Cryptography;
using StreamJepa.Kafka.Models;

namespace StreamJepa.Kafka.Tests.Models;

public sealed class ModelAssemblerTests
{
    private static readonly byte[] Checkpoint = [.. Enumerable.Range(0, 1000).Select(i => (byte)(i * 7))];

    [Fact]
    public void Chunks_and_their_manifest_join_into_the_checkpoint()
    {
        var assembler = new ModelAssembler();

        var model = Publish(assembler, 3, Checkpoint, chunk: 400);

        Assert.NotNull(model);
        Assert.Equal(3, model.Version);
        Assert.Equal(Checkpoint, model.Checkpoint);
        Assert.Equal(0, assembler.HeldBytes);
    }

    [Fact]
    public void A_version_with_a_chunk_missing_is_refused_and_the_next_whole_one_is_taken()
    {
        var assembler = new ModelAssembler();
        assembler.Add(ModelManifest.ChunkKey(0), 4, Checkpoint[..500]);        // the publisher stopped after one chunk

        var (model, problem) = assembler.Add(ModelManifest.Key, null, Manifest(4, 2, Checkpoint));

        Assert.Null(model);
        Assert.Equal("model version 4: chunk 1 of 2 is missing", problem);
        Assert.Equal(5, Publish(assembler, 5, Checkpoint, chunk: 500)?.Version);
    }

    [Fact]
    public void A_damaged_chunk_is_refused_by_the_manifests_sha256()
    {
        var assembler = new ModelAssembler();
        var damaged = Checkpoint.ToArray();
        damaged[10] ^= 0xFF;
        assembler.Add(ModelManifest.ChunkKey(0), 6, damaged);

        var (model, problem) = assembler.Add(ModelManifest.Key, null, Manifest(6, 1, Checkpoint));

        Assert.Null(model);
        Assert.StartsWith("model version 6 is damaged: 1000 bytes with SHA-256", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("manifest", "{not json", "not a model manifest")]
    [InlineData("manifest", "{\"version\":1}", "a manifest without chunks")]
    [InlineData("weights", "x", "neither a chunk nor a manifest (key weights)")]
    [InlineData(null, "x", "neither a chunk nor a manifest (key none)")]
    public void A_message_that_is_no_part_of_a_model_is_refused_with_the_reason(string? key, string value, string reason)
    {
        var (model, problem) = new ModelAssembler().Add(key, 1, System.Text.Encoding.UTF8.GetBytes(value));

        Assert.Null(model);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    private static PublishedModel? Publish(ModelAssembler assembler, long version, byte[] checkpoint, int chunk)
    {
        var chunks = checkpoint.Chunk(chunk).ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            Assert.Equal((null, null), assembler.Add(ModelManifest.ChunkKey(i), version, chunks[i]));
        }

        return assembler.Add(ModelManifest.Key, null, Manifest(version, chunks.Count, checkpoint)).Model;
    }

    private static byte[] Manifest(long version, int chunks, byte[] checkpoint) =>
        new ModelManifest(version, chunks, checkpoint.Length, Convert.ToHexStringLower(SHA256.HashData(checkpoint)), DateTimeOffset.UtcNow).ToJson();
}
