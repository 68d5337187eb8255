namespace StreamJepa.Core.Configuration;

/// <summary>One thing wrong with a configuration: the key (dotted path), the value found and what is allowed.</summary>
public sealed record ConfigError(string Key, string? Value, string Problem)
{
    public override string ToString() =>
        Value is null ? $"{Key}: {Problem}" : $"{Key} = {Value}: {Problem}";
}
