using System.CommandLine;
using StreamJepa.Host.Cli;

namespace StreamJepa.Host.Tests.Cli;

/// <summary>Runs the real <c>streamjepa</c> command line in-process, capturing what it prints.</summary>
internal static class CommandRunner
{
    public static Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) =>
        RunAsync(new WatchedWriter(), CancellationToken.None, args);

    /// <summary>Runs with <paramref name="output"/> readable while the command runs, stopped (as by a signal) by <paramref name="stop"/>.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(WatchedWriter output, CancellationToken stop, params string[] args)
    {
        using var error = new StringWriter();
        var exit = await StreamJepaCommand.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error }, stop);
        return (exit, output.ToString(), error.ToString());
    }
}
