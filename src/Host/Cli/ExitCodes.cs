using System.CommandLine;
using StreamJepa.Core.Configuration;
using StreamJepa.Model;

namespace StreamJepa.Host.Cli;

/// <summary>Process exit codes (also listed in docs/usage.md).</summary>
internal static class ExitCodes
{
    /// <summary>Finished: every source ended, or the run was stopped by a signal or <c>--duration</c>.</summary>
    public const int Ok = 0;

    /// <summary>An unexpected error stopped the run.</summary>
    public const int Error = 1;

    /// <summary>The configuration or the command line is invalid; nothing was started.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>The run finished, but at least one source failed (the others ran to their end).</summary>
    public const int SourceFailed = 3;

    /// <summary>A second SIGINT/SIGTERM ended the run before its graceful stop finished.</summary>
    public const int Forced = 130;

    /// <summary>
    /// A verb's action in which a configuration error (<see cref="ConfigException"/>) or an unusable checkpoint
    /// (<see cref="CheckpointException"/>), wherever it is thrown, is written to standard error as it is and ends the
    /// verb with <see cref="InvalidConfiguration"/>: the one place that turns them into exit code 2.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> OnConfigurationError(Func<ParseResult, CancellationToken, Task<int>> action) =>
        async (parse, cancellationToken) =>
        {
            try
            {
                return await action(parse, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ConfigException or CheckpointException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return InvalidConfiguration;
            }
        };
}
