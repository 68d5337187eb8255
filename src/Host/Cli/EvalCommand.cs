using System.CommandLine;
using StreamJepa.Core.Configuration;
using StreamJepa.Evaluation;
using StreamJepa.Evaluation.Runs;
using StreamJepa.Host.Running;
using StreamJepa.Model;
using StreamJepa.Training;

namespace StreamJepa.Host.Cli;

/// <summary><c>streamjepa eval</c>: detector quality on labelled videos next to pixel baselines (docs/eval.md).</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var config = new ConfigOptions();
        var manifest = new Option<FileInfo>("--manifest", "-m") { Description = "Evaluation manifest: training sources and labelled test videos (docs/eval.md).", Required = true };
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "Score with this model instead of training one on the manifest's normal video." };
        var minutes = new Option<double>("--minutes") { Description = "Training budget when no --checkpoint is given.", DefaultValueFactory = _ => 5 };
        var steps = new Option<int?>("--steps") { Description = "Training steps instead of --minutes: the same steps give the same model, so runs can be repeated exactly." };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Where the report, the trained model and the per-video scores go.", DefaultValueFactory = _ => new DirectoryInfo("runs/eval") };
        var command = new Command("eval", "Train on normal video, score labelled videos causally, and report frame-level ROC-AUC, AP and detection latency per level next to frame differencing, MOG2 and pixel extrapolation.")
        {
            manifest, checkpoint, minutes, steps, output,
        };
        config.AddTo(command);
        command.SetAction(ExitCodes.OnConfigurationError(async (parse, cancellationToken) =>
        {
            var options = config.Load(parse);
            if (parse.GetValue(minutes) is var m && (double.IsNaN(m) || m <= 0))
            {
                throw new ConfigException([new ConfigError("--minutes", m.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be a positive number of minutes")]);
            }

            if (parse.GetValue(steps) is < 1 and var s)
            {
                throw new ConfigException([new ConfigError("--steps", s.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be at least 1")]);
            }

            if (parse.GetValue(checkpoint) is { Exists: false } missing)
            {
                throw new ConfigException([new ConfigError("--checkpoint", missing.FullName, "file not found")]);
            }

            var loaded = EvalManifest.Load(parse.GetValue(manifest)!.FullName);
            if (parse.GetValue(checkpoint) is { } given && WithoutStatistics(given.FullName, options.Scoring.TailRisk, options.Scoring.TailMinSamples) is { } warning)
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync(warning).ConfigureAwait(false);
            }

            using var loggers = Logging.Create(Microsoft.Extensions.Logging.LogLevel.Warning);
            var run = new EvalRun(
                options,
                loaded,
                parse.GetValue(output)!.FullName,
                parse.InvocationConfiguration.Output,
                (o, path, s, budget, token) => new TrainRun(o, TextWriter.Null, loggers) { CheckpointPath = path, Steps = s, Budget = budget }.ExecuteAsync(token),
                (o, token) => new PipelineRun(o, TextWriter.Null, TimeProvider.System, loggers) { SummaryInterval = TimeSpan.FromHours(1) }.ExecuteAsync(token))
            {
                Checkpoint = parse.GetValue(checkpoint)?.FullName,
                TrainBudget = TimeSpan.FromMinutes(parse.GetValue(minutes)),
                TrainSteps = parse.GetValue(steps),
            };
            try
            {
                await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            catch (TrainingDivergedException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return ExitCodes.Error;
            }
        }));
        return command;
    }

    /// <summary>
    /// A warning when <paramref name="path"/> carries no energy statistics (as the model <c>run</c> keeps in its state
    /// directory while learning): with a tail-calibrated threshold every test stream then warms up until it has
    /// <paramref name="tailMinSamples"/> surprises of its own, so a shorter test video ranks its frames but can never
    /// alert, and the detections and false episodes eval reports measure nothing. Null when it has them or cannot be
    /// read (loading it reports that, naming the file).
    /// </summary>
    internal static string? WithoutStatistics(string path, double tailRisk, int tailMinSamples)
    {
        try
        {
            if (tailRisk <= 0 || Checkpoint.ReadHeader(path).EnergyStats.Count > 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is CheckpointException or IOException)
        {
            return null;
        }

        return $"eval: warning: {path} carries no energy statistics, so every test stream warms up until it has {tailMinSamples} surprises of its own " +
            "and a shorter video cannot alert: AUC and AP rank its frames, but detections, latency and false episodes measure nothing. " +
            $"`streamjepa train --source <its training video> --checkpoint <a copy of it> --resume --steps 0` measures them.";
    }
}
