using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StreamJepa.Kafka.Tests.Support;

/// <summary>A logger that keeps every line, so a failing assertion can show what the publisher said on the way.</summary>
internal sealed class LogLines : ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel}: {formatter(state, exception)}");

    public override string ToString() => string.Join(Environment.NewLine, _lines);
}
