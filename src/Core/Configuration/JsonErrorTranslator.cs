using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StreamJepa.Core.Configuration;

/// <summary>Turns System.Text.Json's binding errors into messages that name the key, the value and what is allowed.</summary>
internal static partial class JsonErrorTranslator
{
    public static ConfigError Translate(JsonException ex, JsonObject root, Type rootType)
    {
        var key = ToKey(ex.Path);
        var message = ex.Message;

        if (UnknownProperty().Match(message) is { Success: true } unknown)
        {
            var name = unknown.Groups["name"].Value;
            var fullKey = key.Length == 0 || key.EndsWith(name, StringComparison.OrdinalIgnoreCase) ? (key.Length == 0 ? name : key) : $"{key}.{name}";
            var allowed = AllowedKeys(rootType, unknown.Groups["type"].Value);
            return new ConfigError(fullKey, Render(Find(root, fullKey)), $"unknown key (allowed here: {allowed})");
        }

        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            return new ConfigError($"{key}.{missing.Groups["names"].Value.Trim('\'')}", null, "is required");
        }

        if (ConvertTo().Match(message) is { Success: true } convert)
        {
            return new ConfigError(key, Render(Find(root, key)), $"expected {Describe(rootType, convert.Groups["type"].Value)}");
        }

        return new ConfigError(key.Length == 0 ? "(root)" : key, Render(Find(root, key)), message);
    }

    private static string ToKey(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? string.Empty : path.TrimStart('$').TrimStart('.');

    private static JsonNode? Find(JsonObject root, string key)
    {
        JsonNode? node = root;
        foreach (var segment in key.Replace("[", ".", StringComparison.Ordinal).Replace("]", string.Empty, StringComparison.Ordinal)
                     .Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node switch
            {
                JsonObject obj => obj.FirstOrDefault(p => string.Equals(p.Key, segment, StringComparison.OrdinalIgnoreCase)).Value,
                JsonArray array when int.TryParse(segment, out var i) && i < array.Count => array[i],
                _ => null,
            };
        }

        return node;
    }

    private static string? Render(JsonNode? node) => node?.ToJsonString();

    private static string Describe(Type rootType, string typeName)
    {
        var type = OptionTypes.Find(rootType, typeName);
        if (type is { IsEnum: true })
        {
            return "one of " + string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.CamelCase.ConvertName));
        }

        return typeName switch
        {
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Double" or "System.Single" => "a number",
            "System.Boolean" => "true or false",
            "System.String" => "a string",
            _ when typeName.Contains("IReadOnlyList", StringComparison.Ordinal) => "a list",
            _ => "a JSON object with the documented keys",
        };
    }

    private static string AllowedKeys(Type rootType, string typeName)
    {
        var type = OptionTypes.Find(rootType, typeName);
        if (type is null)
        {
            return "see deploy/streamjepa.example.json";
        }

        var info = ConfigDocument.JsonOptions.GetTypeInfo(type);
        return string.Join(", ", info.Properties.Select(p => p.Name));
    }

    [GeneratedRegex(@"property '(?<name>[^']+)' could not be mapped to any \.NET member contained in type '(?<type>[^']+)'")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex(@"missing required properties including: (?<names>.+?)\.?$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"could not be converted to (?<type>[^\s]+?)\.? Path")]
    private static partial Regex ConvertTo();
}
