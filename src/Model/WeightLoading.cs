using TorchSharp;

namespace StreamJepa.Model;

/// <summary>
/// Reads weights saved with <c>Module.save</c> as strictly as <c>load(strict: true)</c> (every parameter and buffer of
/// the module must be in the file), except that entries the model no longer has are skipped when they are in
/// <see cref="Retired"/>: checkpoints written before such an entry was dropped still load.
/// </summary>
public static class WeightLoading
{
    /// <summary>
    /// Saved entries that carry nothing a model needs, by the last part of their name: the masked predictor's constant
    /// ring mask, which checkpoints of its first version saved as a buffer.
    /// </summary>
    public static IReadOnlyList<string> Retired { get; } = ["_ringMask"];

    /// <summary>Loads <paramref name="module"/>'s weights from <paramref name="reader"/>; throws <see cref="ArgumentException"/> naming what does not fit.</summary>
    public static void LoadWeights(this torch.nn.Module module, BinaryReader reader)
    {
        var entries = new Dictionary<string, bool>(StringComparer.Ordinal);
        module.load(reader, strict: false, loadedParameters: entries);
        var unknown = entries.Where(e => !e.Value && !Retired.Contains(e.Key.Split('.')[^1])).Select(e => e.Key).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"the saved weights hold entries the model does not have: {string.Join(", ", unknown.Take(5))}");
        }

        var missing = module.state_dict().Keys.Where(k => !entries.GetValueOrDefault(k)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"the saved weights lack entries the model needs: {string.Join(", ", missing.Take(5))}");
        }
    }
}
