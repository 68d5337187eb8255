using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamJepa.Kafka.Models;

/// <summary>
/// The last message of a published model version, key <see cref="Key"/>: which chunks make it and the SHA-256 of the
/// checkpoint they join into. Chunks go first, keyed <c>chunk-NNNN</c> (so compaction keeps the newest of each), each
/// with the version in the <see cref="VersionHeader"/> header.
/// </summary>
/// <param name="Version">Model version.</param>
/// <param name="Chunks">Chunk messages before this one.</param>
/// <param name="Bytes">Length of the checkpoint.</param>
/// <param name="Sha256">SHA-256 of the checkpoint, lower-case hex.</param>
/// <param name="PublishedUtc">When it was published.</param>
public sealed record ModelManifest(
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("chunks")] int Chunks,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("publishedUtc")] DateTimeOffset PublishedUtc)
{
    public const string Key = "manifest";

    public const string VersionHeader = "streamjepa-model-version";

    public static string ChunkKey(int index) => $"chunk-{index:D4}";

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <summary>The manifest in <paramref name="json"/>, or null with why it is not one.</summary>
    public static (ModelManifest? Manifest, string? Problem) Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<ModelManifest>(json);
            return manifest is { Chunks: >= 1, Bytes: >= 1, Sha256.Length: 64 }
                ? (manifest, null)
                : (null, "a manifest without chunks, length or SHA-256");
        }
        catch (JsonException ex)
        {
            return (null, $"not a model manifest ({ex.Message})");
        }
    }
}
