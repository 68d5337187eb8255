using System.Runtime.InteropServices;

namespace StreamJepa.Core.Threading;

/// <summary>
/// The CPU time the calling thread has used (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>): unlike wall time it does not grow
/// while the thread waits for a CPU. Where it cannot be read, wall time (since boot) stands in.
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTime = 3;

    /// <summary>The calling thread's CPU time so far.</summary>
    public static TimeSpan Now()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (GetTime(ClockThreadCpuTime, out var time) == 0)
                {
                    return TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100));
                }
            }
            catch (EntryPointNotFoundException)
            {
            }
        }

        return TimeSpan.FromMilliseconds(Environment.TickCount64);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int GetTime(int clock, out TimeSpec time);
}
