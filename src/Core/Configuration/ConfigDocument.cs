using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace StreamJepa.Core.Configuration;

/// <summary>
/// A configuration as JSON: a file (its paths relative to it, see <see cref="ConfigPaths"/>), then environment
/// variables (<c>STREAMJEPA__INGEST__WIDTH=96</c>), then command-line overrides (<c>ingest.width=96</c>), in that
/// order; bound to an options record, unknown keys and wrong types become a <see cref="ConfigException"/> naming the
/// key and the value. Each project owns the records of its section; the root record ties them together.
/// </summary>
public static class ConfigDocument
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

    /// <summary>The file at <paramref name="path"/> (none: an empty document) with the environment's and <paramref name="overrides"/>' values applied.</summary>
    public static JsonObject Read(string? path, IEnumerable<string> overrides, IReadOnlyDictionary<string, string>? environment = null)
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

        return root;
    }

    /// <summary>Binds <paramref name="root"/> to <typeparamref name="T"/>; a key it does not know or a value of the wrong type throws naming it.</summary>
    public static T Bind<T>(JsonObject root)
        where T : new()
    {
        try
        {
            return root.Deserialize<T>(JsonOptions) ?? new T();
        }
        catch (JsonException ex)
        {
            throw new ConfigException([JsonErrorTranslator.Translate(ex, root, typeof(T))]);
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
