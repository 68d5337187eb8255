using System.Globalization;
using StreamJepa.Configuration;
using StreamJepa.Core.Results;
using StreamJepa.Core.Threading;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Engine;
using StreamJepa.Ingest.Synthetic;
using StreamJepa.Kafka.Embedded;
using static TorchSharp.torch;

namespace StreamJepa.Benchmarks;

/// <summary>
/// <c>bench all</c>: every stage alone and the whole pipeline, for each stream count, on each video, under each CPU
/// split, in one run. Stages: plain <c>VideoCapture.Read</c> (decoding's own ceiling), decode-only (the ingest
/// pipeline), model forward (z = 0 only), model forward + free-energy search, publish-only (the Kafka sink into the
/// embedded broker, next to a bare producer); the pipeline with JSONL, and with JSONL + Kafka as <c>run</c> has it.
/// The combined ceiling of a pipeline is 1 / Σ 1/(stage fps) over the stages it runs, since they share the cores.
/// </summary>
public sealed class MatrixBenchmark
{
    private const int EmbeddingsPerRound = 200_000;
    private const int PublishRounds = 2;
    private readonly StreamJepaOptions _options;
    private readonly TextWriter _output;
    private readonly Device _device;

    public MatrixBenchmark(StreamJepaOptions options, TextWriter output)
    {
        _options = options;
        _output = output;
        _device = TorchRuntime.Initialize(options.Inference);
    }

    public async Task RunAsync(IReadOnlyList<string> videos, IReadOnlyList<int> streamCounts, IReadOnlyList<int> torchThreads, IReadOnlyList<bool> pinning, double realtimeSeconds, CancellationToken cancellationToken)
    {
        var splits = Splits(torchThreads, pinning);
        var publish = await PublishAsync(streamCounts, cancellationToken).ConfigureAwait(false);
        await Line("| video | thread split | streams | plain Read fps | decode-only fps (/ plain) | model forward fps | forward + free energy fps (/ forward) | publish-only fps (/ bare) | pipeline JSONL fps (/ ceiling) | pipeline JSONL+Kafka fps (/ ceiling) | p50 / p99 ms | peak RSS MB |").ConfigureAwait(false);
        await Line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|").ConfigureAwait(false);
        var ratios = splits.ToDictionary(s => s, _ => new List<double>());
        foreach (var video in videos)
        {
            foreach (var split in splits)
            {
                set_num_threads(split.TorchThreads);
                foreach (var n in streamCounts)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var row = await RowAsync(video, n, split, publish[n], cancellationToken).ConfigureAwait(false);
                    ratios[split].Add(row.KafkaRatio);
                    await Line(string.Create(CultureInfo.InvariantCulture,
                        $"| {Path.GetFileName(video)} | {split} | {n} | {row.Plain:0} | {row.Decode:0} ({row.Decode / row.Plain:0.00}) | {row.Forward:0} | {row.Free:0} ({row.Free / row.Forward:0.00}) | {publish[n].Sink:0} ({publish[n].Sink / publish[n].Bare:0.00}) | {row.Jsonl:0} ({row.JsonlRatio:0.00}) | {row.Kafka:0} ({row.KafkaRatio:0.00}) | {row.P50:0} / {row.P99:0} | {row.PeakMb:0} |")).ConfigureAwait(false);
                }
            }
        }

        var best = ratios.MaxBy(r => r.Value.Average()).Key;
        await Line(string.Create(CultureInfo.InvariantCulture, $"\nwinning split: {best} (pipeline JSONL+Kafka / ceiling, mean over videos and stream counts: {string.Join(", ", ratios.Select(r => $"{r.Key} {r.Value.Average():0.00}"))}), {_options.Ingest.DecodeThreads} FFmpeg thread(s) per stream at nice {_options.Ingest.DecoderNice}, one model block (MaxDegreeOfParallelism 1)")).ConfigureAwait(false);
        if (realtimeSeconds > 0)
        {
            await RealtimeAsync(videos[0], streamCounts, best, realtimeSeconds, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every libtorch thread count, pinned (the model thread on the last CPUs, as many as its threads, the decoders on
    /// the rest) and not; a pinned split that leaves no CPU for the decoders is the unpinned one and appears once.
    /// </summary>
    internal static IReadOnlyList<ThreadSplit> Splits(IReadOnlyList<int> torchThreads, IReadOnlyList<bool> pinning)
    {
        var allowed = CpuAffinity.Allowed();
        return [.. torchThreads.Distinct()
            .SelectMany(t => pinning.Distinct().Select(pin => new ThreadSplit(t, pin ? CpuSplit.Apart(t, allowed).Model : [])))
            .Distinct()];
    }

    /// <summary>Writes the generated clip the matrix runs beside the real one: a synthetic scene at vtest's size and rate, MJPEG.</summary>
    public static string GenerateVideo(string directory)
    {
        var path = Path.Combine(directory, "generated-768x576.avi");
        if (!File.Exists(path))
        {
            SceneVideo.Write(new SyntheticSceneOptions { Seed = 7, Width = 768, Height = 576, Fps = 10, Frames = 795, AnomalyEvery = 0 }, path);
        }

        return path;
    }

    private async Task<Row> RowAsync(string video, int n, ThreadSplit split, (double Sink, double Bare) publish, CancellationToken cancellationToken)
    {
        var plain = IngestBenchmark.PlainRead(video, n);
        var decode = await IngestBenchmark.DecodeAsync(video, _options.Ingest, n, cancellationToken).ConfigureAwait(false);
        var forward = ModelThroughput.Measure(ForwardOnly, _device, video, n).Engine;
        var free = ModelThroughput.Measure(_options, _device, video, n).Engine;
        var jsonl = await PipelineThroughput.RunAsync(With(split, SinkKind.Jsonl), _device, video, n, realtime: false, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        PeakMemory.Reset();
        var kafka = await PipelineThroughput.RunAsync(With(split, SinkKind.Jsonl, SinkKind.Kafka), _device, video, n, realtime: false, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        var jsonlCeiling = 1 / ((1 / decode) + (1 / free));
        var kafkaCeiling = 1 / ((1 / decode) + (1 / free) + (1 / publish.Sink));
        return new Row(plain, decode, forward, free, jsonl.Fps, jsonl.Fps / jsonlCeiling, kafka.Fps, kafka.Fps / kafkaCeiling, kafka.P50, kafka.P99, PeakMemory.Megabytes());
    }

    /// <summary>The same model with no latent to search: only z = 0 (K = 1).</summary>
    private StreamJepaOptions ForwardOnly => _options with { Model = (_options.Model ?? new()) with { LatentDim = 0 } };

    private StreamJepaOptions With(ThreadSplit split, params SinkKind[] sinks) => _options with
    {
        Inference = _options.Inference with { IntraOpThreads = split.TorchThreads, ModelCpus = split.ModelCpus },
        Output = new OutputOptions { Sinks = sinks },
        Kafka = _options.Kafka with { BootstrapServers = null },
    };

    /// <summary>
    /// Publish-only per stream count: a level-1 embedding per frame (what <c>run</c> publishes per frame by default),
    /// through the sink and through a bare producer, alternated for two rounds; the means. (Rounds of a few
    /// tens of thousands are dominated by the producer's start and the topic's first metadata.)
    /// </summary>
    private async Task<Dictionary<int, (double Sink, double Bare)>> PublishAsync(IReadOnlyList<int> streamCounts, CancellationToken cancellationToken)
    {
        var dim = (_options.Model ?? new()).Dim;
        var bench = new PublishBenchmark(_options.Kafka, TextWriter.Null);
        using var kafka = EmbeddedKafka.Start();
        var result = new Dictionary<int, (double, double)>();
        foreach (var n in streamCounts)
        {
            var embeddings = Enumerable.Range(0, EmbeddingsPerRound)
                .Select(i => new Embedding($"s{i % n}", i / n, i * 100.0, 1, 0, [.. Enumerable.Range(0, dim).Select(d => MathF.Sin(i + d))]))
                .ToArray();
            var bare = new List<double>();
            var sink = new List<double>();
            for (var round = 0; round < PublishRounds; round++)
            {
                bare.Add(bench.Bare(kafka, PublishBenchmark.Topic(kafka, $"bare-{n}-{round}"), embeddings));
                sink.Add(await bench.ThroughSinkAsync(kafka, PublishBenchmark.Topic(kafka, $"sink-{n}-{round}"), embeddings, (n * PublishRounds) + round, EmbeddingsPerRound, EmbeddingsPerRound, cancellationToken).ConfigureAwait(false));
            }

            result[n] = (sink.Average(), bare.Average());
        }

        return result;
    }

    private async Task RealtimeAsync(string video, IReadOnlyList<int> streamCounts, ThreadSplit split, double seconds, CancellationToken cancellationToken)
    {
        set_num_threads(split.TorchThreads);
        await Line(string.Create(CultureInfo.InvariantCulture, $"\nreal-time pace ({Path.GetFileName(video)} at its native rate, {seconds:0} s each, JSONL + Kafka, thread split {split}):\n"))
            .ConfigureAwait(false);
        await Line("| streams | frames/s scored | decode→score p50 ms | p99 ms | peak RSS MB |").ConfigureAwait(false);
        await Line("|---:|---:|---:|---:|---:|").ConfigureAwait(false);
        foreach (var n in streamCounts)
        {
            PeakMemory.Reset();
            var (fps, p50, p99) = await PipelineThroughput.RunAsync(With(split, SinkKind.Jsonl, SinkKind.Kafka), _device, video, n, realtime: true, TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
            await Line(string.Create(CultureInfo.InvariantCulture, $"| {n} | {fps:0.0} | {p50:0.0} | {p99:0.0} | {PeakMemory.Megabytes():0} |")).ConfigureAwait(false);
        }
    }

    private Task Line(string text) => _output.WriteLineAsync(text);

    private sealed record Row(double Plain, double Decode, double Forward, double Free, double Jsonl, double JsonlRatio, double Kafka, double KafkaRatio, double P50, double P99, double PeakMb);
}
