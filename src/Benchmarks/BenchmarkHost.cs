using StreamJepa.Configuration;
using StreamJepa.Ingest.Pipeline;

namespace StreamJepa.Benchmarks;

/// <summary>Starts <c>run</c>'s HTTP endpoint on <c>options.listen</c>, with control over <paramref name="ingest"/>'s sources; null when the port cannot be taken.</summary>
public delegate Task<IAsyncDisposable?> StartEndpoint(MetricsOptions options, IngestPipeline ingest);
