using System.Globalization;

namespace StreamJepa.Core.Configuration;

/// <summary>Collects validation errors with their dotted key paths.</summary>
public sealed class ConfigErrors
{
    private readonly List<ConfigError> _errors = [];

    public IReadOnlyList<ConfigError> Items => _errors;

    public void Add(string key, object? value, string problem) =>
        _errors.Add(new ConfigError(key, Show(value), problem));

    public void Range(string key, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            Add(key, value, $"must be between {Show(min)} and {Show(max)}");
        }
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ConfigException(_errors);
        }
    }

    private static string? Show(object? value) => value switch
    {
        null => null,
        string s => $"\"{s}\"",
        double d => d.ToString("G", CultureInfo.InvariantCulture),
        float f => f.ToString("G", CultureInfo.InvariantCulture),
        IEnumerable<float> list => "[" + string.Join(", ", list.Select(x => x.ToString("G", CultureInfo.InvariantCulture))) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
