using System.Text.Json;
using Json.Schema;

namespace StreamJepa.Host.Tests;

/// <summary>The JSON Schemas of docs/schema/, to check what the program really writes against what the docs promise.</summary>
internal static class OutputSchemas
{
    private static readonly Lazy<Dictionary<string, JsonSchema>> Schemas = new(Load);

    private static readonly EvaluationOptions Strict = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// <summary>Fails, naming the schema and every error, unless <paramref name="json"/> is valid under <paramref name="schema"/> (a file name in docs/schema).</summary>
    public static void AssertValid(string schema, string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = Schemas.Value[schema].Evaluate(document.RootElement, Strict);
        if (!result.IsValid)
        {
            var errors = (result.Details ?? []).Where(d => d.Errors is not null)
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"));
            Assert.Fail($"{schema} rejects {(json.Length > 300 ? json[..300] + "…" : json)}\n{string.Join("\n", errors)}");
        }
    }

    private static Dictionary<string, JsonSchema> Load()
    {
        var directory = Path.Combine(RepoPaths.Root, "docs", "schema");
        var loaded = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);

        // Referenced schemas first, so that the ones referring to them resolve.
        foreach (var name in new[] { "episode.schema.json", "anomaly.schema.json", "score.schema.json", "embedding-jsonl.schema.json" })
        {
            var schema = JsonSchema.FromFile(Path.Combine(directory, name));
            SchemaRegistry.Global.Register(schema);
            loaded[name] = schema;
        }

        return loaded;
    }
}
