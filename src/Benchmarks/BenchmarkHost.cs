using StreamJepa.Core.Configuration;
using StreamJepa.Core.Results;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Kafka;

namespace StreamJepa.Benchmarks;

/// <summary>
/// Opens the sinks of <c>options.output</c> as <c>run</c> wires them, with the publisher to wait for when Kafka is
/// one of them; disposing <c>Owner</c> (after the inference pipeline, which disposes the sinks) releases the rest.
/// </summary>
public delegate (IReadOnlyList<IResultSink> Sinks, KafkaPublisher? Publisher, IDisposable Owner) OpenSinks(StreamJepaOptions options);

/// <summary>Starts <c>run</c>'s HTTP endpoint on <c>options.listen</c>, with control over <paramref name="ingest"/>'s sources; null when the port cannot be taken.</summary>
public delegate Task<IAsyncDisposable?> StartEndpoint(MetricsOptions options, IngestPipeline ingest);
