using System.Text.Json.Nodes;

namespace StreamJepa.Core.Configuration;

/// <summary>
/// Paths written in a configuration file resolve relative to that file, so a configuration means the same wherever
/// it is started from: source files and folders, <c>inference.checkpoint</c>, <c>output.scores</c>, <c>.episodes</c>,
/// <c>.embeddings</c>, <c>training.saveTo</c>, <c>.stateDirectory</c>, <c>kafka.journalDirectory</c> and <c>evidence.directory</c>. Absolute paths, URLs and the other
/// source kinds are left as they are; paths from the environment or <c>--set</c> stay relative to the working folder.
/// </summary>
internal static class ConfigPaths
{
    private static readonly (string Section, string Key)[] PathKeys =
    [
        ("inference", "checkpoint"), ("output", "scores"), ("output", "episodes"), ("output", "embeddings"),
        ("training", "saveTo"), ("training", "stateDirectory"), ("kafka", "journalDirectory"), ("evidence", "directory"),
    ];

    private static readonly string[] NotPaths = ["synthetic", "camera:", "kafka:"];

    /// <summary>Rewrites the relative paths of <paramref name="root"/>, read from a file in <paramref name="directory"/>, as absolute ones.</summary>
    public static void ResolveRelativeTo(JsonObject root, string directory)
    {
        foreach (var (section, key) in PathKeys)
        {
            if (Child(root, section) is JsonObject node && ConfigOverride.ExistingName(node, key) is { } name && Text(node[name]) is { } path)
            {
                node[name] = Resolve(path, directory);
            }
        }

        if (Child(root, "sources") is not JsonArray sources)
        {
            return;
        }

        foreach (var source in sources.OfType<JsonObject>())
        {
            if (ConfigOverride.ExistingName(source, "uri") is { } name && Text(source[name]) is { } uri)
            {
                source[name] = ResolveSource(uri, directory);
            }
        }
    }

    private static string ResolveSource(string uri, string directory)
    {
        const string folder = "folder:";
        if (uri.StartsWith(folder, StringComparison.OrdinalIgnoreCase))
        {
            return folder + Resolve(uri[folder.Length..], directory);
        }

        var isPath = !uri.Contains("://", StringComparison.Ordinal) && !NotPaths.Any(p => uri.StartsWith(p, StringComparison.OrdinalIgnoreCase));
        return isPath ? Resolve(uri, directory) : uri;
    }

    private static string Resolve(string path, string directory) =>
        path.Length == 0 || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(directory, path));

    private static JsonNode? Child(JsonObject parent, string key) =>
        ConfigOverride.ExistingName(parent, key) is { } name ? parent[name] : null;

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
