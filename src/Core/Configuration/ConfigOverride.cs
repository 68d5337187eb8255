using System.Text.Json;
using System.Text.Json.Nodes;

namespace StreamJepa.Core.Configuration;

/// <summary>Applies <c>key.path=value</c> assignments to a JSON document before it is bound and validated.</summary>
public static class ConfigOverride
{
    public static (string Key, string Value) Split(string assignment)
    {
        var eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new ConfigException($"Override \"{assignment}\" must look like key.path=value (for example ingest.width=96).");
        }

        return (assignment[..eq].Trim(), assignment[(eq + 1)..]);
    }

    /// <summary>Sets <paramref name="key"/> (dotted, with <c>[i]</c> or <c>.i</c> for list items) to <paramref name="value"/>.</summary>
    /// <remarks>The value is taken as JSON when it parses as JSON (numbers, true/false, lists), else as a string.</remarks>
    /// <remarks>
    /// Under <c>kafka.properties</c> the rest of the key is one librdkafka property, dots included, in lower case as
    /// librdkafka names them (<c>kafka.properties.sasl.username</c>, or <c>STREAMJEPA__KAFKA__PROPERTIES__SASL__USERNAME</c>
    /// from the environment), and its value stays a string.
    /// </remarks>
    public static void Apply(JsonObject root, string key, string value)
    {
        var segments = ParsePath(key);
        var property = IsPassThroughProperty(segments);
        if (property)
        {
            segments = [segments[0], segments[1], string.Join('.', segments.Skip(2)).ToLowerInvariant()];
        }

        JsonNode current = root;
        for (var i = 0; i < segments.Count - 1; i++)
        {
            current = Child(current, segments[i], segments[i + 1], key);
        }

        SetChild(current, segments[^1], property ? JsonValue.Create(value) : ParseValue(value), key);
    }

    private static List<string> ParsePath(string key)
    {
        var segments = key.Replace("[", ".", StringComparison.Ordinal).Replace("]", string.Empty, StringComparison.Ordinal)
            .Split('.', StringSplitOptions.TrimEntries);
        if (segments.Length == 0 || segments.Any(s => s.Length == 0))
        {
            throw new ConfigException($"Override key \"{key}\" is not a valid key path (for example ingest.width or sources[0].uri).");
        }

        return [.. segments];
    }

    private static bool IsPassThroughProperty(List<string> segments) =>
        segments.Count > 2
        && segments[0].Equals("kafka", StringComparison.OrdinalIgnoreCase)
        && segments[1].Equals("properties", StringComparison.OrdinalIgnoreCase);

    private static JsonNode Child(JsonNode parent, string segment, string next, string key)
    {
        var isIndex = int.TryParse(next, out _);
        switch (parent)
        {
            case JsonObject obj:
                var name = ExistingName(obj, segment) ?? segment;
                if (obj[name] is not { } child)
                {
                    child = isIndex ? new JsonArray() : new JsonObject();
                    obj[name] = child;
                }

                return child;
            case JsonArray array when int.TryParse(segment, out var index) && index >= 0 && index <= array.Count:
                if (index == array.Count)
                {
                    array.Add(isIndex ? new JsonArray() : new JsonObject());
                }

                return array[index] ?? throw new ConfigException($"Override key \"{key}\": item {index} is null.");
            default:
                throw new ConfigException($"Override key \"{key}\": \"{segment}\" does not name an item inside a {parent.GetValueKind()}.");
        }
    }

    private static void SetChild(JsonNode parent, string segment, JsonNode? value, string key)
    {
        switch (parent)
        {
            case JsonObject obj:
                obj[ExistingName(obj, segment) ?? segment] = value;
                break;
            case JsonArray array when int.TryParse(segment, out var index) && index >= 0 && index <= array.Count:
                if (index == array.Count)
                {
                    array.Add(value);
                }
                else
                {
                    array[index] = value;
                }

                break;
            default:
                throw new ConfigException($"Override key \"{key}\": \"{segment}\" does not name an item inside a {parent.GetValueKind()}.");
        }
    }

    /// <summary>The key of <paramref name="obj"/> that is <paramref name="segment"/> ignoring case (keys bind that way), or null.</summary>
    public static string? ExistingName(JsonObject obj, string segment) =>
        obj.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, segment, StringComparison.OrdinalIgnoreCase));

    private static JsonNode? ParseValue(string value)
    {
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return JsonValue.Create(value);
        }
    }
}
