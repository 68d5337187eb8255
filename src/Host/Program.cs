using System.CommandLine;
using StreamJepa.Host.Cli;

using var signals = new ShutdownSignals();
return await StreamJepaCommand.InvokeAsync(args, new InvocationConfiguration { ProcessTerminationTimeout = null }, signals.Stopping)
    .ConfigureAwait(false);
