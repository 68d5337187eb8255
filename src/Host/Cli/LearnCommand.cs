using System.CommandLine;
using StreamJepa.Host.Running;

namespace StreamJepa.Host.Cli;

/// <summary><c>streamjepa learn</c>: the fleet's trainer, from the frames topic to the model topic.</summary>
internal static class LearnCommand
{
    public static Command Create()
    {
        var config = new ConfigOptions();
        var bootstrap = new Option<string?>("--bootstrap", "-b") { Description = "Brokers, host:port[,…] (kafka.bootstrapServers)." };
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "Model to start from when the model topic holds none (inference.checkpoint)." };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds." };
        var interval = new Option<double>("--summary-interval") { Description = "Seconds between summary lines.", DefaultValueFactory = _ => 2.0 };
        var command = new Command("learn", "The fleet's trainer: learn from every stream's frames on the frames topic (--source kafka://TOPIC) and publish each accepted model version to kafka.models.topic, which workers run with kafka.models.follow=true serve.")
        {
            bootstrap, checkpoint, duration, interval,
        };
        config.AddTo(command);
        config.Mapped.Add((bootstrap, "kafka.bootstrapServers"));
        config.Mapped.Add((checkpoint, "inference.checkpoint"));
        command.SetAction(ExitCodes.OnConfigurationError(async (parse, cancellationToken) =>
        {
            var options = config.Load(parse);
            if (options.Sources.Count == 0)
            {
                throw new Core.Configuration.ConfigException([new Core.Configuration.ConfigError("sources", null, "nothing to learn from: give --source kafka://TOPIC (the workers' frames topic)")]);
            }

            using var loggers = Logging.Create();
            var run = new LearnRun(options, parse.InvocationConfiguration.Output, TimeProvider.System, loggers)
            {
                Duration = parse.GetValue(duration) is { } d ? TimeSpan.FromSeconds(d) : null,
                SummaryInterval = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(interval))),
            };
            return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }
}
