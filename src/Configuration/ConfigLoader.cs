using System.Text.Json.Nodes;
using StreamJepa.Core.Configuration;
using StreamJepa.Model.Configuration;

namespace StreamJepa.Configuration;

/// <summary>
/// Reads the whole configuration (<see cref="ConfigDocument"/>: file, environment, overrides) into
/// <see cref="StreamJepaOptions"/>; unknown keys, wrong types and impossible values stop start-up with a
/// <see cref="ConfigException"/> naming the key and the value.
/// </summary>
public static class ConfigLoader
{
    public static StreamJepaOptions Load(
        string? path,
        IEnumerable<string> overrides,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var root = ConfigDocument.Read(path, overrides, environment);
        if (ConfigOverride.ExistingName(root, "model") is { } section && root[section] is JsonObject model && !HJepaConfig.ReadSquareSize(model))
        {
            throw new ConfigException([new ConfigError("model.imageSize", "(with imageWidth or imageHeight)", "give either the square imageSize or imageWidth and imageHeight, not both")]);
        }

        var options = ConfigDocument.Bind<StreamJepaOptions>(root);
        options.Validate();
        return options.Model is null ? options : options with { Model = options.Model.Resolve() };
    }
}
