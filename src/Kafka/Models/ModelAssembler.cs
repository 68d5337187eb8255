using System.Security.Cryptography;

namespace StreamJepa.Kafka.Models;

/// <summary>
/// Joins the messages of the model topic, read in order, into whole versions: chunks are held by (version, index)
/// until their manifest arrives, then joined and checked against its length and SHA-256. A version with a chunk
/// missing (its publisher stopped half-way, or compaction kept a newer version's chunk) or damaged is refused with
/// the reason; what was held for it and for older versions is let go either way.
/// </summary>
public sealed class ModelAssembler
{
    private readonly Dictionary<(long Version, int Index), byte[]> _chunks = [];

    /// <summary>Bytes held for versions whose manifest has not arrived.</summary>
    public long HeldBytes => _chunks.Values.Sum(c => (long)c.Length);

    /// <summary>
    /// Takes one message: a chunk (<paramref name="version"/> from its header) or the manifest. Returns the model a
    /// manifest completes, or the problem with it; both null for a chunk.
    /// </summary>
    public (PublishedModel? Model, string? Problem) Add(string? key, long? version, byte[] value)
    {
        if (key == ModelManifest.Key)
        {
            var (manifest, problem) = ModelManifest.Parse(value);
            return manifest is null ? (null, problem) : Complete(manifest);
        }

        if (key is null || !key.StartsWith("chunk-", StringComparison.Ordinal) || !int.TryParse(key.AsSpan(6), System.Globalization.CultureInfo.InvariantCulture, out var index) || version is null)
        {
            return (null, $"a message that is neither a chunk nor a manifest (key {key ?? "none"})");
        }

        _chunks[(version.Value, index)] = value;
        return (null, null);
    }

    private (PublishedModel? Model, string? Problem) Complete(ModelManifest manifest)
    {
        try
        {
            var parts = new List<byte[]>(manifest.Chunks);
            for (var i = 0; i < manifest.Chunks; i++)
            {
                if (!_chunks.TryGetValue((manifest.Version, i), out var chunk))
                {
                    return (null, $"model version {manifest.Version}: chunk {i} of {manifest.Chunks} is missing");
                }

                parts.Add(chunk);
            }

            var bytes = parts.SelectMany(p => p).ToArray();
            var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (bytes.Length != manifest.Bytes || sha != manifest.Sha256)
            {
                return (null, $"model version {manifest.Version} is damaged: {bytes.Length} bytes with SHA-256 {sha[..12]}…, its manifest says {manifest.Bytes} with {manifest.Sha256[..12]}…");
            }

            return (new PublishedModel(manifest.Version, bytes, sha, manifest.PublishedUtc), null);
        }
        finally
        {
            foreach (var held in _chunks.Keys.Where(k => k.Version <= manifest.Version).ToList())
            {
                _chunks.Remove(held);
            }
        }
    }
}
