using System.CommandLine;
using StreamJepa.Host.Cli;

namespace StreamJepa.Host.Tests.Cli;

/// <summary>Runs the real <c>streamjepa</c> command line in-process, capturing what it prints.</summary>
internal static class CommandRunner
{
    public static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await StreamJepaCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
