using Microsoft.Extensions.Logging;

namespace StreamJepa.Host.Cli;

internal static class Logging
{
    /// <summary>Single-line console logs on standard error, so standard output stays the summary.</summary>
    public static ILoggerFactory Create(LogLevel minimum = LogLevel.Information) =>
        LoggerFactory.Create(builder => builder
            .SetMinimumLevel(minimum)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.UseUtcTimestamp = true;
            })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
}
