using StreamJepa.Core.Configuration;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Sinks;

namespace StreamJepa.Inference.Tests.Sinks;

public sealed class ResultSinksTests
{
    [Fact]
    public void The_configured_sinks_come_between_the_callers_first_and_last_ones()
    {
        var first = new Recorder();
        var last = new Recorder();
        var provided = new Provided();

        using (var set = ResultSinks.Open(new OutputOptions { Sinks = [SinkKind.Kafka, SinkKind.Console] }, TextWriter.Null, [first], [last], provided))
        {
            Assert.Equal([typeof(Recorder), typeof(ConsoleSink), typeof(Recorder), typeof(Recorder)], set.Sinks.Select(s => s.GetType()));
            Assert.Same(first, set.Sinks[0]);
            Assert.Same(provided.Sink, set.Sinks[2]);
            Assert.Same(last, set.Sinks[3]);
            Assert.False(provided.Released);
        }

        Assert.True(provided.Released);
    }

    [Fact]
    public void A_configured_kind_nobody_provides_is_refused_naming_the_key()
    {
        var ex = Assert.Throws<ConfigException>(() => ResultSinks.Open(new OutputOptions { Sinks = [SinkKind.Kafka] }, TextWriter.Null, [], []));

        Assert.Contains(ex.Errors, e => e.Key == "output.sinks");
    }

    private sealed class Provided : IResultSinkKind, IDisposable
    {
        public Recorder Sink { get; } = new();

        public bool Released { get; private set; }

        public SinkKind Kind => SinkKind.Kafka;

        public (IResultSink Sink, IDisposable Owner) Open(TextWriter output) => (Sink, this);

        public void Dispose() => Released = true;
    }

    private sealed class Recorder : IResultSink
    {
        public bool WantsEmbeddings => false;

        public void OnScore(FrameScore score)
        {
        }

        public void OnGap(FrameGap gap)
        {
        }

        public void OnEmbedding(Embedding embedding)
        {
        }

        public void OnEpisode(AnomalyEpisode episode)
        {
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
