using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using StreamJepa.Core.Configuration;
using StreamJepa.Inference.Engine;
using StreamJepa.Inference.Pipeline;
using StreamJepa.Ingest.Pipeline;
using static TorchSharp.torch;

namespace StreamJepa.Benchmarks;

/// <summary>Frames/s and decode→score latency of the whole pipeline: N streams of one video into the sinks of <c>options.Output</c>, opened by <see cref="OpenSinks"/>.</summary>
internal static class PipelineThroughput
{
    public static async Task<(double Fps, double P50, double P99)> RunAsync(
        StreamJepaOptions options, OpenSinks openSinks, Device device, string video, int streams, bool realtime, TimeSpan duration, CancellationToken cancellationToken)
    {
        var scores = Path.Combine(Path.GetTempPath(), $"streamjepa-bench-{Environment.ProcessId}.jsonl");
        options = options with
        {
            Ingest = options.Ingest with { Realtime = realtime },
            Output = options.Output with { Scores = options.Output.Has(SinkKind.Jsonl) ? scores : null },
        };
        var (model, header) = ModelLoader.Load(options);
        using var engine = new HJepaEngine(model, header.ModelVersion, device, options.Inference.MaxBatch, options.Scoring.SceneFrames);
        var sinks = openSinks(options);
        using var owner = sinks.Owner;
        var cpus = TorchRuntime.Split(options.Inference);
        var inference = new InferencePipeline(engine, options, header.EnergyStats, sinks.Sinks, TimeProvider.System, NullLogger.Instance, cpus.Model);
        try
        {
            await using (inference.ConfigureAwait(false))
            {
                var watch = Stopwatch.StartNew();
                using var ingest = new IngestPipeline(options.Ingest, inference.Input, TimeProvider.System, NullLoggerFactory.Instance, inference.ReportGap) { DecoderCpus = cpus.Decoders };
                for (var i = 0; i < streams; i++)
                {
                    ingest.Add(new SourceOptions { Id = $"s{i}", Uri = video });
                }

                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (duration > TimeSpan.Zero)
                {
                    stop.CancelAfter(duration);
                }

                using (stop.Token.Register(ingest.Stop))
                {
                    await ingest.WhenSourcesDoneAsync().ConfigureAwait(false);
                }

                await inference.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
                if (sinks.Publisher is { } publisher && !await publisher.WaitDeliveredAsync(TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false))
                {
                    throw new InvalidOperationException($"the Kafka sink did not deliver within 2 minutes: {publisher.Stats()}");
                }

                // Timed to the last acknowledgement when Kafka is a sink.
                return (inference.Latency.Count / watch.Elapsed.TotalSeconds, inference.Latency.Percentile(0.5), inference.Latency.Percentile(0.99));
            }
        }
        finally
        {
            File.Delete(scores);
        }
    }
}
