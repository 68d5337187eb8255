using System.Runtime.InteropServices;

namespace StreamJepa.Core.Threading;

/// <summary>
/// The lowest CPU priority there is for the calling thread (Linux <c>SCHED_IDLE</c>): the kernel runs it only on time
/// no other thread of normal priority wants, and preempts it the moment one does. For work that must never delay the
/// threads that serve live frames. An unprivileged thread cannot always return to normal priority, so there is no way
/// back here.
/// </summary>
public static partial class IdlePriority
{
    private const int SchedIdle = 5;

    /// <summary>Puts the calling thread at idle priority; false where that is not possible (nothing changes).</summary>
    public static bool Enter()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return SetScheduler(0, SchedIdle, new SchedParam()) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SetScheduler(int pid, int policy, in SchedParam param);
}
