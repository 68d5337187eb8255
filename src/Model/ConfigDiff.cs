using System.Text.Json;
using System.Text.Json.Nodes;
using StreamJepa.Core.Configuration;

namespace StreamJepa.Model;

/// <summary>Lists the keys whose values differ between two configurations, as "key: a vs b".</summary>
public static class ConfigDiff
{
    public static IReadOnlyList<string> Between<T>(T stored, T requested)
    {
        var a = JsonSerializer.SerializeToNode(stored, ConfigDocument.JsonOptions);
        var b = JsonSerializer.SerializeToNode(requested, ConfigDocument.JsonOptions);
        var differences = new List<string>();
        Walk("model", a, b, differences);
        return differences;
    }

    private static void Walk(string key, JsonNode? a, JsonNode? b, List<string> differences)
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var name in oa.Select(p => p.Key).Union(ob.Select(p => p.Key)))
            {
                Walk($"{key}.{name}", oa[name], ob[name], differences);
            }
        }
        else if (!JsonNode.DeepEquals(a, b))
        {
            differences.Add($"{key} is {a?.ToJsonString() ?? "absent"} in the checkpoint, {b?.ToJsonString() ?? "absent"} here");
        }
    }
}
