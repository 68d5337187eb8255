using System.Diagnostics;

namespace StreamJepa.Host.Tests.Cli;

/// <summary>Starts the real <c>streamjepa</c> in its own process (for signals and kills), its output drained.</summary>
internal static class ChildProcess
{
    /// <param name="args">The command line.</param>
    /// <param name="lines">Receives each line the process writes to its standard output; null drops them.</param>
    public static Process Start(IEnumerable<string> args, Action<string>? lines = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "streamjepa.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lines?.Invoke(line);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
