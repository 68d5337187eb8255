namespace StreamJepa.Core.Configuration;

/// <summary>The whole configuration, as read from JSON and overridden from the command line or environment.</summary>
public sealed record StreamJepaOptions
{
    public IReadOnlyList<SourceOptions> Sources { get; init; } = [];

    public IngestOptions Ingest { get; init; } = new();

    /// <summary>Throws <see cref="ConfigException"/> naming every bad key and value.</summary>
    public void Validate()
    {
        var errors = new ConfigErrors();
        for (var i = 0; i < Sources.Count; i++)
        {
            Sources[i].Validate($"sources[{i}]", errors);
        }

        Ingest.Validate("ingest", errors);
        errors.ThrowIfAny();
    }
}
