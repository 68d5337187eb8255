using System.Runtime.InteropServices;

namespace StreamJepa.Benchmarks;

/// <summary>Peak resident memory of this process (VmHWM from /proc/self/status), resettable between measurements.</summary>
internal static partial class PeakMemory
{
    /// <summary>
    /// Starts a new peak: collects garbage, hands freed native heap back to the system (glibc <c>malloc_trim</c>), so
    /// what an earlier stage freed does not count, then resets the high-water mark (Linux: 5 into
    /// /proc/self/clear_refs). False where the mark cannot be reset.
    /// </summary>
    public static bool Reset()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        try
        {
            MallocTrim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc: the peak may include memory an earlier stage freed
        }

        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static double Megabytes()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return double.NaN;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return kb is null ? double.NaN : long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
