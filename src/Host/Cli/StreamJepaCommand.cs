using System.CommandLine;
using System.Text.RegularExpressions;

namespace StreamJepa.Host.Cli;

/// <summary>The <c>streamjepa</c> command line: one verb per job.</summary>
internal static partial class StreamJepaCommand
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
            LearnCommand.Create(),
        };

    /// <summary>
    /// Parses <paramref name="args"/> and runs the verb. A command line that does not parse starts nothing: its
    /// errors go to the error writer, with .NET type names put in words, and the exit code is 2 (invalid
    /// configuration or command line).
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration configuration, CancellationToken cancellationToken = default)
    {
        var parse = Create().Parse(args);
        if (parse.Errors.Count == 0 || parse.Action is not System.CommandLine.Invocation.ParseErrorAction)
        {
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }

        foreach (var error in parse.Errors)
        {
            await configuration.Error.WriteLineAsync(Readable(error.Message)).ConfigureAwait(false);
        }

        await configuration.Error.WriteLineAsync($"See {parse.CommandResult.Command.Name} --help.").ConfigureAwait(false);
        return ExitCodes.InvalidConfiguration;
    }

    /// <summary>Names the type a value should have in words ("a number") instead of .NET's name for it.</summary>
    private static string Readable(string message) => TypeName().Replace(message, m => ": expected " + m.Groups["type"].Value switch
    {
        "Double" or "Single" => "a number",
        "Int32" or "Int64" => "a whole number",
        "Boolean" => "true or false",
        "TimeSpan" => "a duration",
        var other => other,
    });

    [GeneratedRegex(@" as expected type '?System\.(Nullable`1\[System\.)?(?<type>[A-Za-z0-9]+)\]?'?")]
    private static partial Regex TypeName();
}
