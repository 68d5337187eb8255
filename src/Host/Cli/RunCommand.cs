using System.CommandLine;
using Spectre.Console;
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
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "Model checkpoint to score with (inference.checkpoint); without one the model starts untrained." };
        var scores = new Option<FileInfo?>("--scores") { Description = "Write one JSON object per frame per stream here (output.scores)." };
        var episodes = new Option<FileInfo?>("--episodes") { Description = "Write anomaly episodes here as JSON Lines (output.episodes)." };
        var embeddings = new Option<FileInfo?>("--embeddings") { Description = "Write embeddings here as JSON Lines (output.embeddings)." };
        var device = new Option<string?>("--device") { Description = "auto | cpu | cuda (inference.device)." };
        var noLearn = new Option<bool>("--no-learn") { Description = "Do not learn online while scoring (training.online=false)." };
        var plain = new Option<bool>("--plain") { Description = "Plain summary lines even on a terminal (no live table)." };
        var saveTo = new Option<FileInfo?>("--save-checkpoint") { Description = "When the run stops, write what it learnt online here (training.saveTo)." };
        var command = new Command("run", "Score the sources with the H-JEPA: per-stream frames/s, drops, surprise per level and anomaly episodes, until they end or Ctrl+C.")
        {
            checkpoint,
            scores,
            episodes,
            embeddings,
            device,
            noLearn,
            saveTo,
            plain,
        };
        config.AddTo(command);
        config.Mapped.Add((checkpoint, "inference.checkpoint"));
        config.Mapped.Add((scores, "output.scores"));
        config.Mapped.Add((episodes, "output.episodes"));
        config.Mapped.Add((embeddings, "output.embeddings"));
        config.Mapped.Add((device, "inference.device"));
        config.Mapped.Add((saveTo, "training.saveTo"));
        command.Options.Add(duration);
        command.Options.Add(interval);
        command.SetAction(ExitCodes.OnConfigurationError(async (parse, cancellationToken) =>
        {
            var options = config.Load(parse);
            if (parse.GetValue(noLearn))
            {
                options = options with { Training = options.Training with { Online = false } };
            }

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

            using var loggers = Logging.Create();
            var seconds = parse.GetValue(duration);
            var run = new PipelineRun(options, parse.InvocationConfiguration.Output, TimeProvider.System, loggers)
            {
                Duration = seconds is { } s ? TimeSpan.FromSeconds(s) : null,
                SummaryInterval = TimeSpan.FromSeconds(parse.GetValue(interval)),
                Live = !parse.GetValue(plain) && parse.InvocationConfiguration.Output is not StringWriter
                    && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Ansi,
            };
            return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }
}
