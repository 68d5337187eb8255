using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using StreamJepa.Core.Modeling;

namespace StreamJepa.Core.Configuration;

/// <summary>
/// Reads the configuration: a JSON file (its paths relative to it, see <see cref="ConfigPaths"/>), then environment
/// variables (<c>STREAMJEPA__INGEST__WIDTH=96</c>), then command-line overrides (<c>ingest.width=96</c>), in that order. Unknown keys, wrong types and
/// impossible values stop start-up with a <see cref="ConfigException"/> naming the key and the value.
/// </summary>
public static class ConfigLoader
{
    public const string EnvironmentPrefix = "STREAMJEPA__";

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static StreamJepaOptions Load(
        string? path,
        IEnumerable<string> overrides,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var root = ReadFile(path);
        if (path is not null)
        {
            ConfigPaths.ResolveRelativeTo(root, Path.GetDirectoryName(Path.GetFullPath(path))!);
        }

        foreach (var (key, value) in EnvironmentOverrides(environment))
        {
            ConfigOverride.Apply(root, key, value);
        }

        foreach (var assignment in overrides)
        {
            var (key, value) = ConfigOverride.Split(assignment);
            ConfigOverride.Apply(root, key, value);
        }

        if (ConfigOverride.ExistingName(root, "model") is { } section && root[section] is JsonObject model && !HJepaConfig.ReadSquareSize(model))
        {
            throw new ConfigException([new ConfigError("model.imageSize", "(with imageWidth or imageHeight)", "give either the square imageSize or imageWidth and imageHeight, not both")]);
        }

        var options = Bind(root);
        options.Validate();
        return options.Model is null ? options : options with { Model = options.Model.Resolve() };
    }

    public static StreamJepaOptions Bind(JsonObject root)
    {
        try
        {
            return root.Deserialize<StreamJepaOptions>(JsonOptions) ?? new StreamJepaOptions();
        }
        catch (JsonException ex)
        {
            throw new ConfigException([JsonErrorTranslator.Translate(ex, root)]);
        }
    }

    private static JsonObject ReadFile(string? path)
    {
        if (path is null)
        {
            return [];
        }

        if (!File.Exists(path))
        {
            throw new ConfigException($"Configuration file not found: {path}");
        }

        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            return node as JsonObject
                ?? throw new ConfigException($"Configuration file {path} must hold a JSON object at the top.");
        }
        catch (JsonException ex)
        {
            throw new ConfigException($"Configuration file {path} is not valid JSON: {ex.Message}", ex);
        }
    }

    private static IEnumerable<(string Key, string Value)> EnvironmentOverrides(IReadOnlyDictionary<string, string>? environment)
    {
        var variables = environment ?? Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty);
        return variables
            .Where(kv => kv.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key[EnvironmentPrefix.Length..].Replace("__", ".", StringComparison.Ordinal), kv.Value));
    }
}
