using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using StreamJepa.Core.Frames;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Pipeline;

namespace StreamJepa.Benchmarks;

/// <summary>
/// Ingest throughput: N concurrent streams of one file through the pipeline (decode, preprocess, Dataflow),
/// next to N threads of plain <see cref="VideoCapture.Read(Mat)"/> on the same file, alternated round by round.
/// </summary>
public sealed class IngestBenchmark
{
    private readonly string _video;
    private readonly IngestOptions _options;
    private readonly TextWriter _output;

    public IngestBenchmark(string video, IngestOptions options, TextWriter output)
    {
        _video = video;
        _options = options;
        _output = output;
    }

    public async Task RunAsync(IReadOnlyList<int> streamCounts, int rounds, CancellationToken cancellationToken)
    {
        await _output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"ingest benchmark: {Path.GetFileName(_video)}, model input {_options.Width}x{_options.Height} ({_options.Interpolation}), {rounds} round(s), {Environment.ProcessorCount} cores, median of rounds")).ConfigureAwait(false);
        await _output.WriteLineAsync("| streams | plain Read fps | pipeline fps | pipeline / plain | preprocessing overhead |").ConfigureAwait(false);
        await _output.WriteLineAsync("|---:|---:|---:|---:|---:|").ConfigureAwait(false);
        foreach (var n in streamCounts)
        {
            var plain = new List<double>();
            var pipeline = new List<double>();
            for (var r = 0; r < rounds; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                plain.Add(PlainRead(_video, n));
                pipeline.Add(await DecodeAsync(_video, _options, n, cancellationToken).ConfigureAwait(false));
            }

            var p = Median(plain);
            var q = Median(pipeline);
            await _output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"| {n} | {p:0} | {q:0} | {q / p:0.00} | {((p / q) - 1) * 100:+0.0;-0.0}% |")).ConfigureAwait(false);
        }
    }

    /// <summary>Frames/s of <paramref name="streams"/> threads each reading <paramref name="video"/> with a bare <c>VideoCapture.Read</c>: decoding's own ceiling.</summary>
    internal static double PlainRead(string video, int streams)
    {
        var watch = Stopwatch.StartNew();
        var frames = new long[streams];
        Parallel.For(0, streams, new ParallelOptions { MaxDegreeOfParallelism = streams }, i =>
        {
            using var capture = new VideoCapture(video, VideoCaptureAPIs.FFMPEG);
            using var mat = new Mat();
            while (capture.Read(mat) && !mat.Empty())
            {
                frames[i]++;
            }
        });
        return frames.Sum() / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Frames/s of <paramref name="streams"/> concurrent replays of <paramref name="video"/> through the ingest pipeline into a counting block.</summary>
    internal static async Task<double> DecodeAsync(string video, IngestOptions options, int streams, CancellationToken cancellationToken)
    {
        long frames = 0;
        var consumer = new ActionBlock<Frame>(
            frame =>
            {
                frames++;
                frame.Dispose();
            },
            new ExecutionDataflowBlockOptions { BoundedCapacity = options.QueueCapacity });
        var watch = Stopwatch.StartNew();
        using var pipeline = new IngestPipeline(options, consumer, TimeProvider.System, NullLoggerFactory.Instance);
        for (var i = 0; i < streams; i++)
        {
            pipeline.Add(new SourceOptions { Id = $"s{i}", Uri = video });
        }

        using (cancellationToken.Register(pipeline.Stop))
        {
            await pipeline.WhenSourcesDoneAsync().ConfigureAwait(false);
        }

        consumer.Complete();
        await consumer.Completion.ConfigureAwait(false);
        return frames / watch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}
