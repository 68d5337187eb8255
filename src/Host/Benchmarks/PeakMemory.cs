namespace StreamJepa.Host.Benchmarks;

/// <summary>Peak resident memory of this process (VmHWM from /proc/self/status), resettable between measurements.</summary>
internal static class PeakMemory
{
    /// <summary>Starts a new peak from the current resident size (Linux: writing 5 to /proc/self/clear_refs); false where it cannot.</summary>
    public static bool Reset()
    {
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
}
