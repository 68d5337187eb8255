using System.CommandLine;
using StreamJepa.Configuration;
using StreamJepa.Core.Configuration;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Sources;
using StreamJepa.Kafka.Configuration;

namespace StreamJepa.Host.Cli;

/// <summary>Options every verb that reads the configuration shares: the file, overrides and sources.</summary>
internal sealed class ConfigOptions
{
    public Option<FileInfo?> Config { get; } = new("--config", "-c")
    {
        Description = "JSON configuration file (see deploy/streamjepa.example.json).",
    };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Override one configuration key, e.g. --set ingest.width=96 (repeatable). Environment variables STREAMJEPA__SECTION__KEY apply before these.",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> Source { get; } = new("--source", "-s")
    {
        Description = "A stream to read, added to the configured ones (repeatable): [id=]FILE | rtsp://… | http(s)://… | camera:N | folder:DIR | synthetic[:seed=1&frames=600…], with optional #realtime=true&fps=N.",
    };

    public Option<bool> Realtime { get; } = new("--realtime")
    {
        Description = "Pace files at their native frame rate and drop the oldest frames when behind, like a live camera.",
    };

    /// <summary>Verb options that are shorthands for a configuration key (applied as overrides).</summary>
    public List<(Option Option, string Key)> Mapped { get; } = [];

    public void AddTo(Command command)
    {
        command.Options.Add(Config);
        command.Options.Add(Set);
        command.Options.Add(Source);
        command.Options.Add(Realtime);
    }

    /// <summary>
    /// The kafka section of <paramref name="file"/> (defaults without one) for verbs that only talk to Kafka; null
    /// after writing the configuration error to <paramref name="error"/>.
    /// </summary>
    public static async Task<KafkaOptions?> LoadKafkaAsync(FileInfo? file, TextWriter error)
    {
        try
        {
            return ConfigLoader.Load(file?.FullName, []).Kafka;
        }
        catch (ConfigException ex)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Reads, overrides and validates the configuration. Throws <see cref="ConfigException"/>.</summary>
    public StreamJepaOptions Load(ParseResult parse)
    {
        var overrides = new List<string>(parse.GetValue(Set) ?? []);
        if (parse.GetValue(Realtime))
        {
            overrides.Add("ingest.realtime=true");
        }

        foreach (var (option, key) in Mapped)
        {
            if (parse.GetResult(option) is { Implicit: false } result && result.Tokens.Count > 0)
            {
                var value = result.Tokens[0].Value;
                overrides.Add($"{key}={System.Text.Json.JsonSerializer.Serialize(option.ValueType == typeof(FileInfo) ? Path.GetFullPath(value) : value)}");
            }
        }

        var options = ConfigLoader.Load(parse.GetValue(Config)?.FullName, overrides);
        var extra = (parse.GetValue(Source) ?? []).Select(ParseSource).ToList();
        return extra.Count == 0 ? options : options with { Sources = [.. options.Sources, .. extra] };
    }

    private static SourceOptions ParseSource(string spec)
    {
        try
        {
            return SourceParser.ParseSpec(spec);
        }
        catch (SourceException ex)
        {
            throw new ConfigException([new ConfigError("--source", spec, ex.Message)]);
        }
    }
}
