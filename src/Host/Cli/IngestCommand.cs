using System.CommandLine;
using StreamJepa.Core.Configuration;
using StreamJepa.Host.Edge;

namespace StreamJepa.Host.Cli;

/// <summary><c>streamjepa ingest</c>: edge mode, frames to Kafka for workers in a consumer group.</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var config = new ConfigOptions();
        var topic = new Option<string?>("--topic") { Description = "Frames topic (kafka.frames.topic)." };
        var bootstrap = new Option<string?>("--bootstrap", "-b") { Description = "Brokers, host:port[,…] (kafka.bootstrapServers)." };
        var quality = new Option<int>("--jpeg-quality") { Description = "JPEG quality of the published frames (1-100).", DefaultValueFactory = _ => 90 };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds." };
        var command = new Command("ingest", "Edge mode: decode the sources and publish their frames (JPEG at the model's input size, keyed by stream) to Kafka for `run --source kafka://TOPIC` workers.")
        {
            topic, bootstrap, quality, duration,
        };
        config.AddTo(command);
        config.Mapped.Add((topic, "kafka.frames.topic"));
        config.Mapped.Add((bootstrap, "kafka.bootstrapServers"));
        command.SetAction(ExitCodes.OnConfigurationError(async (parse, cancellationToken) =>
        {
            var options = config.Load(parse);
            if (options.Sources.Count == 0)
            {
                throw new ConfigException([new ConfigError("sources", null, "no source to read: give --source or list sources in the configuration")]);
            }

            if (parse.GetValue(quality) is < 1 or > 100)
            {
                throw new ConfigException([new ConfigError("--jpeg-quality", parse.GetValue(quality).ToString(System.Globalization.CultureInfo.InvariantCulture), "must be from 1 to 100")]);
            }

            using var loggers = Logging.Create();
            var run = new EdgeRun(options, parse.InvocationConfiguration.Output, TimeProvider.System, loggers)
            {
                JpegQuality = parse.GetValue(quality),
                Duration = parse.GetValue(duration) is { } d ? TimeSpan.FromSeconds(d) : null,
            };
            return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }
}
