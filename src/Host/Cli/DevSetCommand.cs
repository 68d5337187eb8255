using System.CommandLine;
using StreamJepa.Evaluation;
using StreamJepa.Evaluation.DevSet;

namespace StreamJepa.Host.Cli;

/// <summary><c>streamjepa devset</c>: the development set of docs/eval.md (a real clip with injected anomalies, and synthetic scenes).</summary>
internal static class DevSetCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Where the two parts go (DIR/real, DIR/synthetic), each with its manifest.json.", DefaultValueFactory = _ => new DirectoryInfo("runs/devset") };
        var source = new Option<FileInfo>("--source") { Description = "The real clip to inject anomalies into.", DefaultValueFactory = _ => new FileInfo("data/samples/vtest.avi") };
        var trainFrames = new Option<int>("--train-frames") { Description = "Frames at the start of the clip that become the normal training video; the rest are held out for the test videos.", DefaultValueFactory = _ => 450 };
        var seeds = new Option<int[]>("--synthetic-seeds") { Description = "Seeds of the synthetic test scenes (600 frames each, every kind of scheduled anomaly).", DefaultValueFactory = _ => [3, 5], AllowMultipleArgumentsPerToken = true };
        var command = new Command("devset", "Write the development set: a real clip's held-out frames with injected anomalies (every kind of docs/eval.md at four places), the held-out frames untouched, the training video, and synthetic scenes, with a manifest for `eval` each. Run it once per real scene (--source, --train-frames, --out).")
        {
            output,
            source,
            trainFrames,
            seeds,
        };
        command.SetAction(parse =>
        {
            var clip = parse.GetValue(source)!;
            if (!clip.Exists)
            {
                parse.InvocationConfiguration.Error.WriteLine($"--source: {clip.FullName} not found");
                return ExitCodes.InvalidConfiguration;
            }

            if (parse.GetValue(trainFrames) < 50)
            {
                parse.InvocationConfiguration.Error.WriteLine("--train-frames must be at least 50");
                return ExitCodes.InvalidConfiguration;
            }

            var root = parse.GetValue(output)!.FullName;
            var builder = new DevSetBuilder(clip.FullName, Path.GetFileNameWithoutExtension(clip.Name)) { TrainFrames = parse.GetValue(trainFrames) };
            string real;
            try
            {
                real = builder.BuildReal(Path.Combine(root, "real"));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidDataException or IOException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"devset: {ex.Message}");
                return ExitCodes.InvalidConfiguration;
            }

            var synthetic = DevSetBuilder.BuildSynthetic(Path.Combine(root, "synthetic"), parse.GetValue(seeds) ?? []);
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine($"wrote {real} ({EvalManifest.Load(real).Videos.Count} test videos, {builder.TrainFrames} training frames)");
            o.WriteLine($"wrote {synthetic}");
            o.WriteLine($"next: ./streamjepa eval --manifest {real} --minutes 10 --out runs/eval-real");
            return ExitCodes.Ok;
        });
        return command;
    }
}
