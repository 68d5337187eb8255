using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using StreamJepa.Core.Configuration;
using StreamJepa.Model;
using TorchSharp;

namespace StreamJepa.Host.Cli;

/// <summary><c>streamjepa inspect</c>: what a checkpoint holds, its weights read and checked as <c>run</c> reads them.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<FileInfo>("checkpoint") { Description = "The checkpoint file." };
        var command = new Command("inspect", "Show what a checkpoint holds: model version, training step, format, energy statistics and the model configuration.")
        {
            checkpoint,
        };
        command.SetAction(ExitCodes.OnConfigurationError((parse, _) =>
        {
            var path = parse.GetValue(checkpoint)!.FullName;
            var output = parse.InvocationConfiguration.Output;
            var (model, header) = Checkpoint.Load(path);
            using var weights = model;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{path}\n  model version {header.ModelVersion}, step {header.Step}, written {header.CreatedUtc:u}, format {header.FormatVersion}{(header.FormatVersion >= 3 ? ", checksum verified" : ", no checksum (written before format 3)")}"));
            foreach (var stats in header.EnergyStats)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  level {stats.Level} free energy on its training data: median {stats.Median:0.0000}, MAD {stats.Mad:0.0000} ({stats.Count} samples){Tail(stats.Tail)}"));
            }

            output.WriteLine("  model:");
            output.WriteLine(JsonSerializer.Serialize(header.Config, ConfigDocument.JsonOptions));
            var parameters = model.parameters().ToList();
            using var scope = torch.NewDisposeScope();      // the checks' temporaries, not the weights
            var finite = parameters.All(p => p.isfinite().all().item<bool>());
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  weights: {parameters.Sum(p => p.numel()):N0} parameters, {(finite ? "all finite" : "SOME NOT FINITE (NaN or Inf)")}"));
            return Task.FromResult(finite ? ExitCodes.Ok : ExitCodes.InvalidConfiguration);
        }));
        return command;
    }

    private static string Tail(SurpriseTail? tail) => tail is null
        ? ""
        : string.Create(CultureInfo.InvariantCulture, $"; its z-scores' tail: over {tail.Threshold:0.00}, scale {tail.Scale:0.00}, shape {tail.Shape:0.00}, reaching {tail.Quantile(1e-3):0.0} once in 1,000 frames and {tail.Quantile(1e-4):0.0} once in 10,000");
}
