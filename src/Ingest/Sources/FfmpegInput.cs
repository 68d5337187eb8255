using System.Globalization;

namespace StreamJepa.Ingest.Sources;

/// <summary>
/// The input arguments that tell <c>ffmpeg</c> which URL to read, with bounded open and read timeouts. A URL that
/// carries a secret (<see cref="UrlSecrets"/>) never goes on ffmpeg's command line, which every local user can read
/// in <c>/proc/PID/cmdline</c>: it goes into a one-entry ffconcat list, with the input options as the list's
/// <c>option</c> lines, in a directory only this user can enter, deleted once ffmpeg has opened it (or failed to).
/// </summary>
internal sealed class FfmpegInput : IDisposable
{
    private const string Protocols = "file,http,https,tcp,tls,udp,rtp,rtsp,rtsps,rtmp,rtmps,srtp,crypto,httpproxy";
    private DirectoryInfo? _directory;

    private FfmpegInput(IReadOnlyList<string> arguments, DirectoryInfo? directory)
    {
        Arguments = arguments;
        _directory = directory;
    }

    /// <summary>Arguments from the input options up to and including <c>-i</c> and its operand.</summary>
    public IReadOnlyList<string> Arguments { get; }

    public static FfmpegInput For(string url, int timeoutMs)
    {
        var micros = (timeoutMs * 1000L).ToString(CultureInfo.InvariantCulture);
        (string Name, string Value)[] options = url.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase)
            ? [("rtsp_transport", "tcp"), ("timeout", micros)]
            : [("rw_timeout", micros)];
        string[] probe = ["-analyzeduration", "1000000"];
        if (!UrlSecrets.HasSecret(url))
        {
            return new FfmpegInput([.. options.SelectMany(o => new[] { $"-{o.Name}", o.Value }), .. probe, "-i", url], null);
        }

        var directory = Directory.CreateTempSubdirectory("streamjepa-ffmpeg-");   // mode 0700
        var list = Path.Combine(directory.FullName, "input.ffconcat");
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(list, create)))
        {
            writer.Write($"ffconcat version 1.0\nfile '{url.Replace("'", @"'\''", StringComparison.Ordinal)}'\n");
            foreach (var (name, value) in options)
            {
                writer.Write($"option {name} {value}\n");
            }
        }

        return new FfmpegInput(["-f", "concat", "-safe", "0", "-protocol_whitelist", Protocols, .. probe, "-i", list], directory);
    }

    /// <summary>Deletes the list (ffmpeg reads it once, when it opens the input).</summary>
    public void Dispose()
    {
        try
        {
            _directory?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Already gone, or the temporary folder was cleaned: nothing secret is left behind either way.
        }

        _directory = null;
    }
}
