using StreamJepa.Core.Configuration;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;

namespace StreamJepa.Inference.Sinks;

/// <summary>
/// The sinks of <c>output.sinks</c>, in the order results reach them: the caller's first sinks (metrics), JSONL,
/// console, the provided kinds (Kafka), then the caller's last sinks (acknowledgements: the others have the results
/// by then). The inference pipeline disposes the sinks (flushing a publisher); disposing this releases what the
/// provided kinds started for them (an embedded broker), after the sinks.
/// </summary>
public sealed class ResultSinks : IDisposable
{
    private readonly IReadOnlyList<IDisposable> _owners;

    private ResultSinks(IReadOnlyList<IResultSink> sinks, IReadOnlyList<IDisposable> owners)
    {
        Sinks = sinks;
        _owners = owners;
    }

    public IReadOnlyList<IResultSink> Sinks { get; }

    /// <param name="options">output.sinks and the JSONL paths.</param>
    /// <param name="output">Where the console sink prints, and where the provided kinds say what they started.</param>
    /// <param name="first">Sinks that come before the configured ones.</param>
    /// <param name="last">Sinks that come after them.</param>
    /// <param name="kinds">The sink kinds other projects provide; a configured kind none of them is refused.</param>
    public static ResultSinks Open(OutputOptions options, TextWriter output, IResultSink[] first, IResultSink[] last, params IResultSinkKind[] kinds)
    {
        var sinks = new List<IResultSink>(first);
        if (options.Has(SinkKind.Jsonl))
        {
            sinks.Add(new JsonlSink(options));
        }

        if (options.Has(SinkKind.Console))
        {
            sinks.Add(new ConsoleSink(output));
        }

        var owners = new List<IDisposable>();
        try
        {
            foreach (var kind in options.Sinks.Where(k => k is not (SinkKind.Jsonl or SinkKind.Console)))
            {
                var provider = kinds.FirstOrDefault(k => k.Kind == kind)
                    ?? throw new ConfigException([new ConfigError("output.sinks", kind.ToString(), "this program has no sink of that kind")]);
                var (sink, owner) = provider.Open(output);
                sinks.Add(sink);
                owners.Add(owner);
            }
        }
        catch
        {
            Release(owners);
            throw;
        }

        return new ResultSinks([.. sinks, .. last], owners);
    }

    public void Dispose() => Release(_owners);

    private static void Release(IReadOnlyList<IDisposable> owners)
    {
        for (var i = owners.Count - 1; i >= 0; i--)
        {
            owners[i].Dispose();
        }
    }
}
