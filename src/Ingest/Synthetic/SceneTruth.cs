using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamJepa.Ingest.Synthetic;

/// <summary>Ground truth written next to a synthetic scene: its parameters and the anomalous frame ranges.</summary>
public sealed record SceneTruth(SyntheticSceneOptions Scene, IReadOnlyList<SceneAnomaly> Anomalies)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public bool IsAnomalous(long frame) => Anomalies.Any(a => a.Contains(frame));

    public void Save(string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json));
        File.Move(temp, path, overwrite: true);
    }

    public static SceneTruth Load(string path) =>
        JsonSerializer.Deserialize<SceneTruth>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path} holds no scene truth");
}
