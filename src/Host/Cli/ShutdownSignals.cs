using System.Runtime.InteropServices;

namespace StreamJepa.Host.Cli;

/// <summary>
/// The first SIGINT/SIGTERM asks for a graceful stop (<see cref="Stopping"/>: sources stop, in-flight frames finish,
/// sinks flush); a second one, or a graceful stop still running after <see cref="GracePeriod"/>, ends the process at
/// once with <see cref="ExitCodes.Forced"/>. The handler never blocks, so the runtime's signal thread is free to
/// deliver the second signal however long the graceful stop takes.
/// </summary>
internal sealed partial class ShutdownSignals : IDisposable
{
    /// <summary>Longest graceful stop before the process is ended anyway (flushes to Kafka are bounded well below it).</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(60);

    private readonly PosixSignalRegistration[] _registrations;
    private readonly CancellationTokenSource _stop = new();
    private Timer? _grace;
    private int _signals;

    public ShutdownSignals() =>
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];

    /// <summary>Cancelled by the first stop signal.</summary>
    public CancellationToken Stopping => _stop.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _grace?.Dispose();
        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) > 1)
        {
            Exit("second stop signal: exiting without waiting for the flush");
        }

        // Cancelling runs the token's callbacks; they run on the pool, never on the signal thread.
        _grace = new Timer(_ => Exit($"the graceful stop took longer than {GracePeriod.TotalSeconds:0} s: exiting"), null, GracePeriod, Timeout.InfiniteTimeSpan);
        ThreadPool.QueueUserWorkItem(_ => _stop.Cancel());
    }

    /// <summary>
    /// Ends the process now. <see cref="Environment.Exit"/> first runs the exit handlers (the Kafka client's and the
    /// runtime's own waits among them), which took 2 s here with the broker down; on Linux and macOS libc's
    /// <c>_exit</c> ends it without them. What was journaled is already on disk.
    /// </summary>
    private static void Exit(string reason)
    {
        Console.Error.WriteLine(reason);
        Console.Error.Flush();
        if (!OperatingSystem.IsWindows())
        {
            ImmediateExit(ExitCodes.Forced);
        }

        Environment.Exit(ExitCodes.Forced);
    }

    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void ImmediateExit(int status);
}
