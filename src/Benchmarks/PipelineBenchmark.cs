using System.Globalization;
using StreamJepa.Configuration;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Engine;
using static TorchSharp.torch;

namespace StreamJepa.Benchmarks;

/// <summary>
/// The whole pipeline (decode → batch → encode → predict → free energy → score → JSONL) next to each stage alone on
/// all cores in the same run: decode-only (ingest into a counting block) and model-only (the engine on frames held in
/// memory). Their combined ceiling is 1 / (1/decode + 1/model), since the stages share the same cores.
/// </summary>
public sealed class PipelineBenchmark
{
    private readonly StreamJepaOptions _options;
    private readonly string _video;
    private readonly TextWriter _output;
    private readonly Device _device;

    public PipelineBenchmark(StreamJepaOptions options, string video, TextWriter output)
    {
        _options = options;
        _video = video;
        _output = output;
        _device = TorchRuntime.Initialize(options.Inference);
    }

    public async Task RunAsync(IReadOnlyList<int> streamCounts, IReadOnlyList<int> intraOpThreads, double realtimeSeconds, CancellationToken cancellationToken)
    {
        await Line($"pipeline benchmark: {Path.GetFileName(_video)} per stream, model input {_options.Ingest.Width}x{_options.Ingest.Height}, batch ≤ {_options.Inference.MaxBatch}, {Environment.ProcessorCount} cores, OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "(unset)"}").ConfigureAwait(false);
        await Line("| streams | torch threads | decode-only fps | encoder-only fps | model-only fps | ceiling fps | pipeline fps | pipeline / ceiling | peak RSS MB |").ConfigureAwait(false);
        await Line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|").ConfigureAwait(false);
        foreach (var threads in intraOpThreads)
        {
            set_num_threads(threads);
            foreach (var n in streamCounts)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var decode = await IngestBenchmark.DecodeAsync(_video, _options.Ingest, n, cancellationToken).ConfigureAwait(false);
                var (encoder, model) = ModelThroughput.Measure(_options, _device, _video, n);
                var ceiling = 1 / ((1 / decode) + (1 / model));
                var (pipeline, _, _) = await PipelineThroughput.RunAsync(JsonlOnly, _device, _video, n, realtime: false, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                await Line(string.Create(CultureInfo.InvariantCulture,
                    $"| {n} | {threads} | {decode:0} | {encoder:0} | {model:0} | {ceiling:0} | {pipeline:0} | {pipeline / ceiling:0.00} | {PeakMemory.Megabytes():0} |")).ConfigureAwait(false);
            }
        }

        if (realtimeSeconds > 0)
        {
            set_num_threads(intraOpThreads[^1]);
            var n = streamCounts[^1];
            var (fps, p50, p99) = await PipelineThroughput.RunAsync(JsonlOnly, _device, _video, n, realtime: true, TimeSpan.FromSeconds(realtimeSeconds), cancellationToken).ConfigureAwait(false);
            await Line(string.Create(CultureInfo.InvariantCulture,
                $"\nreal-time pace: {n} streams at the clip's native rate for {realtimeSeconds:0} s: {fps:0.0} frames/s scored, decode→score latency p50 {p50:0.0} ms, p99 {p99:0.0} ms, peak RSS {PeakMemory.Megabytes():0} MB")).ConfigureAwait(false);
        }
    }

    private StreamJepaOptions JsonlOnly => _options with { Output = new OutputOptions { Sinks = [SinkKind.Jsonl] } };

    private Task Line(string text) => _output.WriteLineAsync(text);
}
