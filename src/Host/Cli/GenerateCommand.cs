using System.CommandLine;
using StreamJepa.Ingest.Synthetic;

namespace StreamJepa.Host.Cli;

/// <summary><c>streamjepa generate</c>: writes a synthetic scene with scheduled anomalies and its ground truth.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo>("--out", "-o")
        {
            Description = "Video file to write (.avi, MJPEG); the ground truth goes to NAME.truth.json beside it.",
            Required = true,
        };
        var scene = new Option<string>("--scene")
        {
            Description = "Scene parameters, as for a synthetic source: seed=1&frames=600&width=320&height=240&fps=10&objects=5&noise=4&warmup=150&anomalyEvery=90&anomalyLength=15&kinds=appear+wrongSpeed+wrongDirection+freeze+flash",
            DefaultValueFactory = _ => string.Empty,
        };
        var command = new Command("generate", "Write a seeded synthetic scene (moving objects, scheduled anomalies) and its ground-truth frame ranges.")
        {
            output,
            scene,
        };
        command.SetAction(parse =>
        {
            SyntheticSceneOptions options;
            try
            {
                options = SyntheticSceneOptions.Parse(parse.GetValue(scene) ?? string.Empty, message => new ArgumentException(message));
                if (options.Frames <= 0)
                {
                    throw new ArgumentException("--scene frames must be above 0 for a file");
                }
            }
            catch (ArgumentException ex)
            {
                parse.InvocationConfiguration.Error.WriteLine($"Invalid --scene: {ex.Message}");
                return ExitCodes.InvalidConfiguration;
            }

            var path = parse.GetValue(output)!.FullName;
            var truth = SceneVideo.Write(options, path);
            parse.InvocationConfiguration.Output.WriteLine($"wrote {options.Frames} frames to {path}");
            parse.InvocationConfiguration.Output.WriteLine($"wrote {truth.Anomalies.Count} anomalies to {SceneVideo.TruthPath(path)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
