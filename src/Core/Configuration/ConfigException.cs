namespace StreamJepa.Core.Configuration;

/// <summary>Thrown at start-up when the configuration cannot be used; the message names every bad key.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    public ConfigException(string message)
        : base(message)
    {
        Errors = [];
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public ConfigException()
        : this("Invalid configuration.")
    {
    }

    public IReadOnlyList<ConfigError> Errors { get; }

    private static string Format(IReadOnlyList<ConfigError> errors) =>
        "Invalid configuration:" + string.Concat(errors.Select(e => Environment.NewLine + "  " + e));
}
