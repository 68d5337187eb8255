using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using StreamJepa.Configuration;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Engine;
using StreamJepa.Inference.Pipeline;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Inference.Sinks;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Kafka;
using static TorchSharp.torch;

namespace StreamJepa.Benchmarks;

/// <summary>Frames/s and decode→score latency of the whole pipeline: N streams of one video into the sinks of <c>options.Output</c>, opened as <c>run</c> opens them (nothing printed, nothing logged).</summary>
internal static class PipelineThroughput
{
    public static async Task<(double Fps, double P50, double P99)> RunAsync(
        StreamJepaOptions options, Device device, string video, int streams, bool realtime, TimeSpan duration, CancellationToken cancellationToken)
    {
        var scores = Path.Combine(Path.GetTempPath(), $"streamjepa-bench-{Environment.ProcessId}.jsonl");
        options = options with
        {
            Ingest = options.Ingest with { Realtime = realtime },
            Output = options.Output with { Scores = options.Output.Has(SinkKind.Jsonl) ? scores : null },
        };
        var (model, header) = ModelLoader.Load(options.Inference, options.Model);
        using var engine = new HJepaEngine(model, header.ModelVersion, device, options.Inference.MaxBatch, options.Scoring.SceneFrames);
        var kafka = new KafkaSinkKind(options.Kafka, TimeProvider.System, NullLoggerFactory.Instance);
        using var sinks = ResultSinks.Open(options.Output, TextWriter.Null, [], [], kafka);
        var cpus = TorchRuntime.Split(options.Inference);
        var inference = new InferencePipeline(engine, options.Inference, options.Scoring, header.EnergyStats, sinks.Sinks, TimeProvider.System, NullLogger.Instance, cpus.Model);
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
                if (kafka.Publisher is { } publisher && !await publisher.WaitDeliveredAsync(TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false))
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
