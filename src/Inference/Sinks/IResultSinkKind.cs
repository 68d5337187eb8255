using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;

namespace StreamJepa.Inference.Sinks;

/// <summary>
/// A sink kind of <c>output.sinks</c> that another project provides (Kafka's, in src/Kafka), opened by
/// <see cref="ResultSinks"/> when the configuration names it.
/// </summary>
public interface IResultSinkKind
{
    SinkKind Kind { get; }

    /// <summary>
    /// Opens the sink. <paramref name="output"/> is where it tells the operator what it started (a broker's address).
    /// The returned owner releases what the sink needed besides itself (a broker) and is disposed after the sink.
    /// </summary>
    (IResultSink Sink, IDisposable Owner) Open(TextWriter output);
}
