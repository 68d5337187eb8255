using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using StreamJepa.Benchmarks;
using StreamJepa.Configuration;
using StreamJepa.Host.Observability;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Pipeline;

namespace StreamJepa.Host.Cli;

/// <summary><c>streamjepa bench</c>: throughput figures measured against a baseline in the same run.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var video = new Option<FileInfo>("--video")
        {
            Description = "Video every stream reads.",
            DefaultValueFactory = _ => new FileInfo("data/samples/vtest.avi"),
        };
        var streams = new Option<int[]>("--streams")
        {
            Description = "Concurrent stream counts to measure.",
            DefaultValueFactory = _ => [1, 2, 4],
            AllowMultipleArgumentsPerToken = true,
        };
        var rounds = new Option<int>("--rounds")
        {
            Description = "Rounds per setting (baseline and pipeline alternate; the median is reported).",
            DefaultValueFactory = _ => 3,
        };
        var width = new Option<int>("--width") { Description = "Model input width.", DefaultValueFactory = _ => 128 };
        var height = new Option<int>("--height") { Description = "Model input height.", DefaultValueFactory = _ => 128 };
        var interpolation = new Option<ResizeInterpolation>("--interpolation")
        {
            Description = "How frames are scaled to the model input.",
            DefaultValueFactory = _ => new IngestOptions().Interpolation,
        };
        var ingest = new Command("ingest", "Decode + preprocess frames/s through the ingest pipeline next to plain OpenCV VideoCapture.Read, for 1..N concurrent streams.")
        {
            video,
            streams,
            rounds,
            width,
            height,
            interpolation,
        };
        ingest.SetAction(ExitCodes.OnConfigurationError(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(video)!;
            var counts = parse.GetValue(streams) ?? [1, 2, 4];
            var n = parse.GetValue(rounds);
            if (!file.Exists || counts.Any(c => c < 1) || n < 1)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"bench ingest: need an existing --video (got {file.FullName}), --streams >= 1 and --rounds >= 1").ConfigureAwait(false);
                return ExitCodes.InvalidConfiguration;
            }

            var options = new IngestOptions { Width = parse.GetValue(width), Height = parse.GetValue(height), Interpolation = parse.GetValue(interpolation) };
            var bench = new IngestBenchmark(file.FullName, options, parse.InvocationConfiguration.Output);
            await bench.RunAsync(counts, n, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return new Command("bench", "Benchmarks that print figures next to a baseline measured in the same run.") { All(), ingest, Pipeline(), Publish(), Http(), BenchOnlineCommand.Create() };
    }

    private static Command Http()
    {
        var requests = new Option<int>("--requests") { Description = "Hostile requests to send.", DefaultValueFactory = _ => 1000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 16 };
        var command = new Command("http", "The HTTP endpoint under hostile clients (empty, huge, binary, malformed, unauthorised requests): answers, /healthz latency next to an idle endpoint's, resident memory.")
        {
            requests,
            concurrency,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(requests) < 1 || parse.GetValue(concurrency) < 1)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("bench http: --requests and --concurrency must be at least 1").ConfigureAwait(false);
                return ExitCodes.InvalidConfiguration;
            }

            await new HttpAbuseBenchmark(parse.InvocationConfiguration.Output, StartEndpoint).RunAsync(parse.GetValue(requests), parse.GetValue(concurrency), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Publish()
    {
        var config = new Option<FileInfo?>("--config", "-c") { Description = "Configuration whose kafka section (compression, linger, in-flight limit) to use." };
        var messages = new Option<int>("--messages") { Description = "Messages per round.", DefaultValueFactory = _ => 200_000 };
        var dim = new Option<int>("--dim") { Description = "Embedding dimension (4 bytes each).", DefaultValueFactory = _ => 64 };
        var streams = new Option<int>("--streams") { Description = "Streams (message keys).", DefaultValueFactory = _ => 8 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds (bare producer and sink alternate; the median is reported).", DefaultValueFactory = _ => 3 };
        var command = new Command("publish", "Messages/s and MB/s of the Kafka sink next to a bare Confluent.Kafka producer on the same embedded broker.")
        {
            config, messages, dim, streams, rounds,
        };
        command.SetAction(ExitCodes.OnConfigurationError(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(messages) < 1 || parse.GetValue(dim) < 1 || parse.GetValue(streams) < 1 || parse.GetValue(rounds) < 1)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("bench publish: --messages, --dim, --streams and --rounds must be at least 1").ConfigureAwait(false);
                return ExitCodes.InvalidConfiguration;
            }

            if (await ConfigOptions.LoadKafkaAsync(parse.GetValue(config), parse.InvocationConfiguration.Error).ConfigureAwait(false) is not { } kafka)
            {
                return ExitCodes.InvalidConfiguration;
            }

            var bench = new PublishBenchmark(kafka, parse.InvocationConfiguration.Output);
            await bench.RunAsync(parse.GetValue(messages), parse.GetValue(dim), parse.GetValue(streams), parse.GetValue(rounds), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Pipeline()
    {
        var config = new ConfigOptions();
        var video = new Option<FileInfo>("--video")
        {
            Description = "Video every stream reads.",
            DefaultValueFactory = _ => new FileInfo("data/samples/vtest.avi"),
        };
        var streams = new Option<int[]>("--streams")
        {
            Description = "Concurrent stream counts to measure.",
            DefaultValueFactory = _ => [1, 4, 8],
            AllowMultipleArgumentsPerToken = true,
        };
        var threads = new Option<int[]>("--torch-threads")
        {
            Description = "libtorch intra-op thread counts to compare (the CPU split between decoding and the model).",
            DefaultValueFactory = _ => [Math.Max(1, Environment.ProcessorCount / 2), Environment.ProcessorCount],
            AllowMultipleArgumentsPerToken = true,
        };
        var realtime = new Option<double>("--realtime-seconds")
        {
            Description = "Also run the largest stream count at the clip's native rate for this long and report decode→score latency (0 skips).",
            DefaultValueFactory = _ => 20,
        };
        var command = new Command("pipeline", "Whole-pipeline frames/s next to decode-only and model-only on the same cores, their combined ceiling, latency and peak memory.")
        {
            video,
            streams,
            threads,
            realtime,
        };
        config.AddTo(command);
        command.SetAction(ExitCodes.OnConfigurationError(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(video)!;
            var counts = parse.GetValue(streams) ?? [1, 4, 8];
            var split = parse.GetValue(threads) ?? [Environment.ProcessorCount];
            if (!file.Exists || counts.Length == 0 || counts.Any(c => c < 1) || split.Length == 0 || split.Any(t => t < 1))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"bench pipeline: need an existing --video (got {file.FullName}), --streams >= 1 and --torch-threads >= 1").ConfigureAwait(false);
                return ExitCodes.InvalidConfiguration;
            }

            var options = config.Load(parse);

            var bench = new PipelineBenchmark(options, file.FullName, parse.InvocationConfiguration.Output);
            await bench.RunAsync(counts, split, parse.GetValue(realtime), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command All()
    {
        var config = new ConfigOptions();
        var videos = new Option<FileInfo[]>("--video")
        {
            Description = "Videos every stream reads, one matrix each (default: data/samples/vtest.avi and a generated 768x576 scene).",
            AllowMultipleArgumentsPerToken = true,
        };
        var streams = new Option<int[]>("--streams") { Description = "Concurrent stream counts.", DefaultValueFactory = _ => [1, 2, 4, 8], AllowMultipleArgumentsPerToken = true };
        var threads = new Option<int[]>("--torch-threads")
        {
            Description = "libtorch intra-op thread counts to compare (the CPU split between decoding and the model).",
            DefaultValueFactory = _ => [Math.Max(1, Environment.ProcessorCount / 2), Environment.ProcessorCount],
            AllowMultipleArgumentsPerToken = true,
        };
        var pin = new Option<string[]>("--pin")
        {
            Description = "Pinning to compare for each thread count: on (the model thread on the last CPUs, one per libtorch thread, the decoders on the others, as inference.modelCpus sets it) and off (inference.modelCpus [], the default).",
            DefaultValueFactory = _ => ["on", "off"],
            AllowMultipleArgumentsPerToken = true,
        };
        var realtime = new Option<double>("--realtime-seconds") { Description = "Seconds at the clip's native rate per stream count for latency (0 skips).", DefaultValueFactory = _ => 15 };
        var command = new Command("all", "Every stage alone (plain read, decode, model forward, forward + free energy, publish) and the whole pipeline, for each stream count, video and CPU split, in one run.")
        {
            videos,
            streams,
            threads,
            pin,
            realtime,
        };
        config.AddTo(command);
        command.SetAction(ExitCodes.OnConfigurationError(async (parse, cancellationToken) =>
        {
            var counts = parse.GetValue(streams) ?? [1, 2, 4, 8];
            var split = parse.GetValue(threads) ?? [Environment.ProcessorCount];
            var pins = parse.GetValue(pin) ?? ["on", "off"];
            var files = parse.GetValue(videos) is { Length: > 0 } given ? given : [new FileInfo("data/samples/vtest.avi")];
            if (files.Any(f => !f.Exists) || counts.Length == 0 || counts.Any(c => c < 1) || split.Length == 0 || split.Any(t => t < 1) || pins.Length == 0 || pins.Any(p => p is not ("on" or "off")))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("bench all: need existing --video files, --streams >= 1, --torch-threads >= 1 and --pin on|off").ConfigureAwait(false);
                return ExitCodes.InvalidConfiguration;
            }

            var options = config.Load(parse);

            var paths = files.Select(f => f.FullName).ToList();
            if (parse.GetValue(videos) is not { Length: > 0 })
            {
                paths.Add(MatrixBenchmark.GenerateVideo(Directory.CreateDirectory("runs/bench").FullName));
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"bench all: {Environment.ProcessorCount} cores, model input {options.Ingest.Width}x{options.Ingest.Height}, batch <= {options.Inference.MaxBatch}, {(options.Inference.Checkpoint is null ? "untrained default model" : options.Inference.Checkpoint)}, embedded Kafka broker in this process")).ConfigureAwait(false);
            var bench = new MatrixBenchmark(options, parse.InvocationConfiguration.Output);
            await bench.RunAsync(paths, counts, split, [.. pins.Select(p => p == "on")], parse.GetValue(realtime), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary><c>run</c>'s HTTP endpoint for the hostile-client benchmark, healthy and ready throughout.</summary>
    private static async Task<IAsyncDisposable?> StartEndpoint(MetricsOptions options, IngestPipeline ingest) =>
        await HealthServer.TryStartAsync(options, Metrics.NewCustomRegistry(), () => (true, "ok"), () => (true, "ok"), new SourceControl(ingest, options.MaxSources), NullLogger.Instance).ConfigureAwait(false);
}
