using StreamJepa.Core.Configuration;

namespace StreamJepa.Host.Running;

/// <summary>Fails at start-up, not after the work, when a file the run will write cannot be written where asked.</summary>
internal static class WritablePath
{
    /// <summary>Creates the file's folder and writes a probe file beside it; throws naming <paramref name="key"/> when that fails.</summary>
    public static void Check(string path, string key)
    {
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.probe");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigError(key, $"\"{path}\"", $"cannot be written: {ex.Message}")]);
        }
    }
}
