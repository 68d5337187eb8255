using System.Runtime.InteropServices;

namespace StreamJepa.Host.Cli;

/// <summary>
/// The first SIGINT/SIGTERM asks for a graceful stop (sources stop, in-flight frames finish, sinks flush); a second
/// one exits at once with <see cref="ExitCodes.Forced"/>.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    /// <summary>Longest graceful stop before the process is ended anyway (flushes to Kafka are bounded well below it).</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(60);

    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    public ShutdownSignals() =>
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) > 1)
        {
            Console.Error.WriteLine("second stop signal: exiting without waiting for the flush");
            Environment.Exit(ExitCodes.Forced);
        }
    }
}
