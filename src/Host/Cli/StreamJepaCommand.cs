using System.CommandLine;

namespace StreamJepa.Host.Cli;

/// <summary>The <c>streamjepa</c> command line: one verb per job.</summary>
internal static class StreamJepaCommand
{
    public static RootCommand Create() =>
        new("StreamJepa: watches live video, learns what normal looks like, and flags what it could not predict.")
        {
            RunCommand.Create(),
            TrainCommand.Create(),
            InspectCommand.Create(),
            GenerateCommand.Create(),
            DevSetCommand.Create(),
            BenchCommand.Create(),
            TailCommand.Create(),
            EvalCommand.Create(),
            IngestCommand.Create(),
        };
}
