using System.Runtime.InteropServices;

namespace StreamJepa.Core.Threading;

/// <summary>
/// The CPUs a thread may run on (Linux <c>sched_getaffinity</c> / <c>sched_setaffinity</c> on the calling thread).
/// Threads a pinned thread starts (FFmpeg's, libtorch's) inherit its set. Elsewhere nothing is pinned.
/// </summary>
public static partial class CpuAffinity
{
    private const int MaskWords = 16; // 1,024 CPUs

    /// <summary>The CPUs the calling thread may run on, in ascending order (every CPU where affinity is not supported).</summary>
    public static IReadOnlyList<int> Allowed()
    {
        if (!OperatingSystem.IsLinux())
        {
            return [.. Enumerable.Range(0, Environment.ProcessorCount)];
        }

        var mask = new ulong[MaskWords];
        try
        {
            if (GetAffinity(0, (nuint)(mask.Length * sizeof(ulong)), mask) != 0)
            {
                return [.. Enumerable.Range(0, Environment.ProcessorCount)];
            }
        }
        catch (EntryPointNotFoundException)
        {
            return [.. Enumerable.Range(0, Environment.ProcessorCount)];
        }

        return [.. Enumerable.Range(0, MaskWords * 64).Where(cpu => (mask[cpu / 64] & (1UL << (cpu % 64))) != 0)];
    }

    /// <summary>Restricts the calling thread to <paramref name="cpus"/>; false where that is not possible (nothing changes).</summary>
    public static bool Pin(IReadOnlyList<int> cpus)
    {
        if (cpus.Count == 0 || !OperatingSystem.IsLinux())
        {
            return false;
        }

        var mask = new ulong[MaskWords];
        foreach (var cpu in cpus)
        {
            if (cpu is < 0 or >= MaskWords * 64)
            {
                throw new ArgumentOutOfRangeException(nameof(cpus), cpu, $"CPU numbers run from 0 to {(MaskWords * 64) - 1}");
            }

            mask[cpu / 64] |= 1UL << (cpu % 64);
        }

        try
        {
            return SetAffinity(0, (nuint)(mask.Length * sizeof(ulong)), mask) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int GetAffinity(int pid, nuint size, [Out] ulong[] mask);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SetAffinity(int pid, nuint size, ulong[] mask);
}
