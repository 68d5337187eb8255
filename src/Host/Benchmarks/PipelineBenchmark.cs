using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using StreamJepa.Core.Configuration;
using StreamJepa.Core.Frames;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Engine;
using StreamJepa.Inference.Pipeline;
using StreamJepa.Inference.Sinks;
using StreamJepa.Ingest.Pipeline;
using static TorchSharp.torch;

namespace StreamJepa.Host.Benchmarks;

/// <summary>
/// The whole pipeline (decode → batch → encode → predict → free energy → score → JSONL) next to each stage alone on
/// all cores in the same run: decode-only (ingest into a counting block) and model-only (the engine on frames held in
/// memory). Their combined ceiling is 1 / (1/decode + 1/model), since the stages share the same cores.
/// </summary>
internal sealed class PipelineBenchmark
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
                var (encoder, model) = ModelOnly(n);
                var ceiling = 1 / ((1 / decode) + (1 / model));
                var (pipeline, _, _) = await PipelineAsync(n, realtime: false, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                await Line(string.Create(CultureInfo.InvariantCulture,
                    $"| {n} | {threads} | {decode:0} | {encoder:0} | {model:0} | {ceiling:0} | {pipeline:0} | {pipeline / ceiling:0.00} | {PeakMemory.Megabytes():0} |")).ConfigureAwait(false);
            }
        }

        if (realtimeSeconds > 0)
        {
            set_num_threads(intraOpThreads[^1]);
            var n = streamCounts[^1];
            var (fps, p50, p99) = await PipelineAsync(n, realtime: true, TimeSpan.FromSeconds(realtimeSeconds), cancellationToken).ConfigureAwait(false);
            await Line(string.Create(CultureInfo.InvariantCulture,
                $"\nreal-time pace: {n} streams at the clip's native rate for {realtimeSeconds:0} s: {fps:0.0} frames/s scored, decode→score latency p50 {p50:0.0} ms, p99 {p99:0.0} ms, peak RSS {PeakMemory.Megabytes():0} MB")).ConfigureAwait(false);
        }
    }

    private Task Line(string text) => _output.WriteLineAsync(text);

    /// <summary>Encoder alone, and the whole engine (encode, predict, free-energy search), on frames held in memory.</summary>
    private (double Encoder, double Engine) ModelOnly(int streams)
    {
        var (model, header) = ModelLoader.Load(_options);
        using var engine = new HJepaEngine(model, header.ModelVersion, _device, _options.Inference.MaxBatch);
        var shape = new FrameShape(_options.Ingest.Channels, _options.Ingest.Height, _options.Ingest.Width);
        var pool = new FramePool(shape);
        var random = new Random(1);
        var batch = Math.Min(_options.Inference.MaxBatch, Math.Max(streams, 8));
        var total = 480 - (480 % batch);
        long next = 0;

        Frame[] Batch()
        {
            var frames = new Frame[batch];
            for (var i = 0; i < batch; i++)
            {
                var f = pool.Rent(new FrameHeader($"s{i % streams}", next / streams, 0, true, 768, 576, 0));
                next++;
                random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.Pixels.AsSpan(0, 64)));
                frames[i] = f;
            }

            return frames;
        }

        void Release(Frame[] frames)
        {
            foreach (var f in frames)
            {
                f.Dispose();
            }
        }

        // Warm up both paths, then time them.
        for (var w = 0; w < 3; w++)
        {
            var frames = Batch();
            engine.Process(frames);
            Release(frames);
        }

        var pixels = GC.AllocateArray<float>(batch * shape.Length, pinned: true);
        var watch = Stopwatch.StartNew();
        for (var done = 0; done < total; done += batch)
        {
            var frames = Batch();
            for (var i = 0; i < batch; i++)
            {
                frames[i].Pixels.CopyTo(pixels, i * shape.Length);
            }

            using (NewDisposeScope())
            using (inference_mode())
            {
                var input = from_array(pixels).view(batch, shape.Channels, shape.Height, shape.Width).to(_device);
                model.Encoder.forward(input);
            }

            Release(frames);
        }

        var encoder = total / watch.Elapsed.TotalSeconds;
        watch.Restart();
        for (var done = 0; done < total; done += batch)
        {
            var frames = Batch();
            engine.Process(frames);
            Release(frames);
        }

        return (encoder, total / watch.Elapsed.TotalSeconds);
    }

    private async Task<(double Fps, double P50, double P99)> PipelineAsync(int streams, bool realtime, TimeSpan duration, CancellationToken cancellationToken)
    {
        var options = _options with
        {
            Ingest = _options.Ingest with { Realtime = realtime },
            Output = new OutputOptions { Scores = Path.Combine(Path.GetTempPath(), $"streamjepa-bench-{Environment.ProcessId}.jsonl") },
        };
        var (model, header) = ModelLoader.Load(options);
        using var engine = new HJepaEngine(model, header.ModelVersion, _device, options.Inference.MaxBatch);
        IResultSink[] sinks = [new JsonlSink(options.Output)];
        var inference = new InferencePipeline(engine, options, header.EnergyStats, sinks, TimeProvider.System, NullLogger.Instance);
        await using (inference.ConfigureAwait(false))
        {
            var watch = Stopwatch.StartNew();
            using var ingest = new IngestPipeline(options.Ingest, inference.Input, TimeProvider.System, NullLoggerFactory.Instance, inference.ReportGap);
            for (var i = 0; i < streams; i++)
            {
                ingest.Add(new SourceOptions { Id = $"s{i}", Uri = _video });
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
            var scored = inference.Latency.Count;
            var result = (scored / watch.Elapsed.TotalSeconds, inference.Latency.Percentile(0.5), inference.Latency.Percentile(0.99));
            File.Delete(options.Output.Scores!);
            return result;
        }
    }
}
