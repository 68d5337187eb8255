using System.CommandLine;
using StreamJepa.Core.Configuration;
using StreamJepa.Host.Running;

namespace StreamJepa.Host.Cli;

/// <summary><c>streamjepa run</c>: the main job.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new ConfigOptions();
        var duration = new Option<double?>("--duration")
        {
            Description = "Stop after this many seconds (live sources otherwise run until interrupted).",
        };
        var interval = new Option<double>("--summary-interval")
        {
            Description = "Seconds between live summary lines.",
            DefaultValueFactory = _ => 2.0,
        };
        var command = new Command("run", "Read the sources and show per-stream frames/s, drops and errors until they end or Ctrl+C.");
        config.AddTo(command);
        command.Options.Add(duration);
        command.Options.Add(interval);
        command.SetAction(async (parse, cancellationToken) =>
        {
            StreamJepaOptions options;
            try
            {
                options = config.Load(parse);
                if (options.Sources.Count == 0)
                {
                    throw new ConfigException([new ConfigError("sources", null, "no source to read: give --source or list sources in the configuration")]);
                }

                if (parse.GetValue(duration) is { } d && (double.IsNaN(d) || d <= 0))
                {
                    throw new ConfigException([new ConfigError("--duration", d.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be a positive number of seconds")]);
                }

                if (parse.GetValue(interval) is var i && (double.IsNaN(i) || i <= 0))
                {
                    throw new ConfigException([new ConfigError("--summary-interval", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be a positive number of seconds")]);
                }
            }
            catch (ConfigException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return ExitCodes.InvalidConfiguration;
            }

            using var loggers = Logging.Create();
            var seconds = parse.GetValue(duration);
            var run = new IngestRun(options, parse.InvocationConfiguration.Output, TimeProvider.System, loggers)
            {
                Duration = seconds is { } s ? TimeSpan.FromSeconds(s) : null,
                SummaryInterval = TimeSpan.FromSeconds(parse.GetValue(interval)),
            };
            return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
