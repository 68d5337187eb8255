using System.Globalization;
using Microsoft.Extensions.Logging;
using StreamJepa.Configuration;
using StreamJepa.Core.Configuration;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Kafka;
using StreamJepa.Kafka.Edge;

namespace StreamJepa.Host.Edge;

/// <summary>
/// <c>streamjepa ingest</c>: decodes the sources at the edge and publishes their frames (JPEG at the model's input
/// size, keyed by stream id) to the frames topic, for workers that read it with <c>run --source kafka://TOPIC</c>.
/// </summary>
internal sealed class EdgeRun
{
    private readonly StreamJepaOptions _options;
    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;

    public EdgeRun(StreamJepaOptions options, TextWriter output, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _output = output;
        _time = time;
        _loggers = loggers;
    }

    public int JpegQuality { get; init; } = 90;

    public TimeSpan? Duration { get; init; }

    public TimeSpan SummaryInterval { get; init; } = TimeSpan.FromSeconds(2);

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var kafka = _options.Kafka;
        if (kafka.BootstrapServers is not { } bootstrap)
        {
            throw new ConfigException([new ConfigError("kafka.bootstrapServers", null, "ingest publishes to the brokers the workers read from: set it (no embedded broker at the edge)")]);
        }

        var publisher = new KafkaPublisher(kafka, bootstrap, _time, _loggers.CreateLogger<KafkaPublisher>(), [PublishChannel.Frames]);
        await using (publisher.ConfigureAwait(false))
        {
            var exporter = new FrameExporter(_options.Ingest, publisher, JpegQuality, _time);
            using var ingest = new IngestPipeline(_options.Ingest, exporter.Input, _time, _loggers, exporter.OnGap);
            _ = exporter.Input.Completion.ContinueWith(
                _ => ingest.Stop(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            foreach (var source in _options.Sources)
            {
                ingest.Add(source);
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (Duration is { } duration)
            {
                stop.CancelAfter(duration);
            }

            using (stop.Token.Register(ingest.Stop))
            {
                var done = ingest.WhenSourcesDoneAsync();
                while (!done.IsCompleted)
                {
                    await Task.WhenAny(done, Task.Delay(SummaryInterval, _time, CancellationToken.None)).ConfigureAwait(false);
                    await _output.WriteLineAsync(Line(ingest, exporter, publisher)).ConfigureAwait(false);
                }

                await done.ConfigureAwait(false);
            }

            exporter.Input.Complete();
            await exporter.Input.Completion.ConfigureAwait(false);
            await publisher.WaitDeliveredAsync(TimeSpan.FromSeconds(kafka.FlushTimeoutSeconds), CancellationToken.None).ConfigureAwait(false);
            await _output.WriteLineAsync(Line(ingest, exporter, publisher)).ConfigureAwait(false);
            return ingest.Streams.Any(s => s.Status == StreamStatus.Failed) ? Cli.ExitCodes.SourceFailed : Cli.ExitCodes.Ok;
        }
    }

    private static string Line(IngestPipeline ingest, FrameExporter exporter, KafkaPublisher publisher)
    {
        var frames = publisher.Stats().Channels.Single();
        var streams = string.Join(", ", ingest.Streams.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.StreamId} {s.Status.ToString().ToLowerInvariant()} {s.Frames} frames, {s.Dropped} dropped")));
        return string.Create(CultureInfo.InvariantCulture,
            $"ingest: {exporter.Exported} frames exported, {frames.Delivered} delivered to {frames.Name}, {frames.Waiting} waiting, {frames.Dropped} dropped; {streams}");
    }
}
