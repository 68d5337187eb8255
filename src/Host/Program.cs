using System.CommandLine;
using StreamJepa.Host.Cli;

using var signals = new ShutdownSignals();
return await StreamJepaCommand.Create().Parse(args)
    .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = ShutdownSignals.GracePeriod })
    .ConfigureAwait(false);
