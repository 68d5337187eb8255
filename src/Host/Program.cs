using StreamJepa.Host.Cli;

return await StreamJepaCommand.Create().Parse(args).InvokeAsync().ConfigureAwait(false);
