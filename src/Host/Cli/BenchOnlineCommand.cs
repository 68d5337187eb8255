using System.CommandLine;
using StreamJepa.Core.Configuration;
using StreamJepa.Evaluation;
using StreamJepa.Host.Running;

namespace StreamJepa.Host.Cli;

/// <summary><c>streamjepa bench online</c>: the online learning curve next to offline training of the same steps.</summary>
internal static class BenchOnlineCommand
{
    public static Command Create()
    {
        var config = new ConfigOptions();
        var manifest = new Option<FileInfo>("--manifest", "-m") { Description = "Evaluation manifest: its normal video is learnt from live, its test videos score each snapshot (docs/eval.md).", Required = true };
        var minutes = new Option<double>("--minutes") { Description = "Minutes of live video to learn from.", DefaultValueFactory = _ => 10 };
        var streams = new Option<int>("--streams") { Description = "Live streams, each the normal video looped.", DefaultValueFactory = _ => 1 };
        var every = new Option<double>("--every") { Description = "Minutes between snapshots of the served model.", DefaultValueFactory = _ => 2 };
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "Start from this model instead of fresh weights." };
        var perKind = new Option<int>("--videos-per-kind") { Description = "Test videos of each anomaly kind that score a snapshot.", DefaultValueFactory = _ => 1 };
        var reference = new Option<int>("--reference-steps") { Description = "Offline steps of the reference model the curve is measured against (0 = none).", DefaultValueFactory = _ => 1500 };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Where snapshots, evaluations and curve.md go.", DefaultValueFactory = _ => new DirectoryInfo("runs/bench-online") };
        var command = new Command("online", "The online learning curve: learn live from looped normal video, snapshot the served model, and score each snapshot (macro ROC-AUC, false episodes/h) next to offline training of the same steps.")
        {
            manifest, minutes, streams, every, checkpoint, perKind, reference, output,
        };
        config.AddTo(command);
        command.SetAction(ExitCodes.OnConfigurationError(async (parse, cancellationToken) =>
        {
            var options = config.Load(parse);
            var errors = new ConfigErrors();
            errors.Range("--minutes", parse.GetValue(minutes), 0.5, 24 * 60);
            errors.Range("--streams", parse.GetValue(streams), 1, 256);
            errors.Range("--every", parse.GetValue(every), 0.25, 24 * 60);
            errors.Range("--videos-per-kind", parse.GetValue(perKind), 1, 1000);
            errors.Range("--reference-steps", parse.GetValue(reference), 0, 1_000_000);
            if (parse.GetValue(checkpoint) is { Exists: false } missing)
            {
                errors.Add("--checkpoint", missing.FullName, "file not found");
            }

            errors.ThrowIfAny();
            var loaded = EvalManifest.Load(parse.GetValue(manifest)!.FullName);
            if (loaded.Train.Count == 0)
            {
                throw new ConfigException([new ConfigError("train", null, "the manifest lists no normal video to learn from")]);
            }

            using var loggers = Logging.Create(Microsoft.Extensions.Logging.LogLevel.Warning);
            var run = new LearningCurveRun(options, loaded, parse.GetValue(output)!.FullName, parse.InvocationConfiguration.Output, loggers)
            {
                Minutes = parse.GetValue(minutes),
                Streams = parse.GetValue(streams),
                EveryMinutes = parse.GetValue(every),
                Checkpoint = parse.GetValue(checkpoint)?.FullName,
                VideosPerKind = parse.GetValue(perKind),
                ReferenceSteps = parse.GetValue(reference),
            };
            return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }
}
