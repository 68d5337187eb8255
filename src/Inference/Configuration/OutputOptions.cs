using StreamJepa.Core.Configuration;

namespace StreamJepa.Inference.Configuration;

/// <summary>Where results go: the sink set, and the JSONL paths (each optional; a JSONL file without a path is off).</summary>
public sealed record OutputOptions
{
    /// <summary>
    /// Sinks that receive results: jsonl (the files below), console (anomaly episodes as readable lines) and
    /// kafka (the topics of the kafka section; the embedded broker when no bootstrap servers are set).
    /// </summary>
    public IReadOnlyList<SinkKind> Sinks { get; init; } = [SinkKind.Jsonl, SinkKind.Kafka];

    /// <summary>One JSON object per frame per stream (scores, per-level energies, anomaly flag).</summary>
    public string? Scores { get; init; }

    /// <summary>Anomaly episodes, one JSON object each time one opens, updates or closes.</summary>
    public string? Episodes { get; init; }

    /// <summary>Embeddings: level-1 pooled vectors per frame and higher-level window vectors.</summary>
    public string? Embeddings { get; init; }

    public bool Has(SinkKind sink) => Sinks.Contains(sink);

    public void Validate(string key, ConfigErrors errors)
    {
        if (Sinks.Distinct().Count() != Sinks.Count)
        {
            errors.Add($"{key}.sinks", string.Join(",", Sinks), "lists a sink twice");
        }

        if (!Has(SinkKind.Jsonl) && (Scores ?? Episodes ?? Embeddings) is not null)
        {
            errors.Add($"{key}.sinks", string.Join(",", Sinks), "JSONL paths are set but jsonl is not a sink: add jsonl or remove the paths");
        }
    }
}
