using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Logging;
using StreamJepa.Core.Configuration;
using StreamJepa.Core.Frames;
using StreamJepa.Host.Cli;
using StreamJepa.Ingest.Pipeline;

namespace StreamJepa.Host.Running;

/// <summary>
/// An ingest-only run: every source decoded into one bounded consumer that counts and releases frames,
/// with a live per-stream summary. The inference stage takes the consumer's place when it lands.
/// </summary>
internal sealed class IngestRun
{
    private readonly StreamJepaOptions _options;
    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;

    public IngestRun(StreamJepaOptions options, TextWriter output, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _output = output;
        _time = time;
        _loggers = loggers;
    }

    public TimeSpan? Duration { get; init; }

    public TimeSpan SummaryInterval { get; init; } = TimeSpan.FromSeconds(2);

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var consumer = new ActionBlock<Frame>(
            frame => frame.Dispose(),
            new ExecutionDataflowBlockOptions { BoundedCapacity = _options.Ingest.QueueCapacity });
        using var pipeline = new IngestPipeline(_options.Ingest, consumer, _time, _loggers);
        var summary = new StreamSummary(_time);
        foreach (var source in _options.Sources)
        {
            pipeline.Add(source);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }

        using (stop.Token.Register(pipeline.Stop))
        {
            var done = pipeline.WhenSourcesDoneAsync();
            while (!done.IsCompleted)
            {
                await Task.WhenAny(done, Task.Delay(SummaryInterval, _time, CancellationToken.None)).ConfigureAwait(false);
                if (!done.IsCompleted)
                {
                    await _output.WriteAsync(summary.Render(pipeline.Streams, final: false)).ConfigureAwait(false);
                }
            }

            await done.ConfigureAwait(false);
        }

        consumer.Complete();
        await consumer.Completion.ConfigureAwait(false);
        await _output.WriteAsync(summary.Render(pipeline.Streams, final: true)).ConfigureAwait(false);
        await _output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return pipeline.Streams.Any(s => s.Status == StreamStatus.Failed) ? ExitCodes.SourceFailed : ExitCodes.Ok;
    }
}
