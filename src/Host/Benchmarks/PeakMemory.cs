namespace StreamJepa.Host.Benchmarks;

/// <summary>Peak resident memory of this process (VmHWM from /proc/self/status).</summary>
internal static class PeakMemory
{
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
