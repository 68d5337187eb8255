namespace StreamJepa.Core.Configuration;

/// <summary>Secrets in the configuration: a value written "env:NAME" is read from the environment variable NAME.</summary>
public static class Secret
{
    private const string Prefix = "env:";

    /// <summary>The value itself, or the environment variable it names.</summary>
    public static string Resolve(string value) =>
        value.StartsWith(Prefix, StringComparison.Ordinal)
            ? Environment.GetEnvironmentVariable(value[Prefix.Length..]) ?? throw new ConfigException($"environment variable {value[Prefix.Length..]} is not set")
            : value;

    /// <summary>The environment variable an "env:NAME" value names when it is not set; null otherwise.</summary>
    public static string? Missing(string value) =>
        value.StartsWith(Prefix, StringComparison.Ordinal) && Environment.GetEnvironmentVariable(value[Prefix.Length..]) is null ? value[Prefix.Length..] : null;
}
