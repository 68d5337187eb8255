using System.CommandLine;
using StreamJepa.Core.Configuration;
using StreamJepa.Host.Running;
using StreamJepa.Training;

namespace StreamJepa.Host.Cli;

/// <summary><c>streamjepa train</c>: offline training from recorded video.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new ConfigOptions();
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "Checkpoint to write (and to resume from with --resume).", Required = true };
        var steps = new Option<int?>("--steps") { Description = "Training steps (default 500 when none of --steps, --epochs, --minutes is given); 0 with --resume only re-measures the checkpoint's energy statistics on the sources." };
        var minutes = new Option<double?>("--minutes") { Description = "Train for this long instead of a number of steps." };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the frames held (frames / batch size steps each), instead of --steps." };
        var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint's weights, step and version." };
        var maxFrames = new Option<int>("--max-frames") { Description = "Frames kept in memory per source.", DefaultValueFactory = _ => 3000 };
        var keep = new Option<int>("--keep") { Description = "Checkpoints kept: the newest at --checkpoint, older ones as NAME.1, NAME.2, …", DefaultValueFactory = _ => 3 };
        var every = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints on the way.", DefaultValueFactory = _ => 200 };
        var command = new Command("train", "Train the H-JEPA (every level, non-contrastive: EMA targets, VICReg) on recorded video and write a checkpoint with the energy statistics of its data.")
        {
            checkpoint,
            steps,
            minutes,
            epochs,
            resume,
            maxFrames,
            keep,
            every,
        };
        config.AddTo(command);
        command.SetAction(ExitCodes.OnConfigurationError(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var options = config.Load(parse);
            if (options.Sources.Count == 0)
            {
                throw new ConfigException([new ConfigError("sources", null, "nothing to train on: give --source or list sources in the configuration")]);
            }

            if (parse.GetValue(steps) == 0 && !parse.GetValue(resume))
            {
                throw new ConfigException([new ConfigError("--steps", "0", "trains nothing: it only re-measures the energy statistics of an existing checkpoint, with --resume")]);
            }

            if (parse.GetValue(steps) is < 0 || parse.GetValue(epochs) is < 1 || parse.GetValue(minutes) is <= 0 || parse.GetValue(maxFrames) < 8 || parse.GetValue(keep) < 1 || parse.GetValue(every) < 1)
            {
                throw new ConfigException([new ConfigError("--steps/--minutes/--max-frames/--keep/--checkpoint-every", null, "must be positive (max-frames at least 8)")]);
            }

            using var loggers = Logging.Create();
            var run = new TrainRun(options, parse.InvocationConfiguration.Output, loggers)
            {
                CheckpointPath = parse.GetValue(checkpoint)!.FullName,
                Steps = parse.GetValue(steps),
                Epochs = parse.GetValue(epochs),
                Budget = parse.GetValue(minutes) is { } m ? TimeSpan.FromMinutes(m) : null,
                Resume = parse.GetValue(resume),
                MaxFramesPerSource = parse.GetValue(maxFrames),
                Keep = parse.GetValue(keep),
                CheckpointEvery = parse.GetValue(every),
            };
            try
            {
                return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (TrainingDivergedException ex)
            {
                await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return ExitCodes.Error;
            }
        }));
        return command;
    }
}
