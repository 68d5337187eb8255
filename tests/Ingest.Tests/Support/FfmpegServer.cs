using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StreamJepa.Ingest.Tests.Support;

/// <summary>A live MPEG-TS stream served over HTTP on loopback by Debian's <c>ffmpeg -listen 1</c>, looping a clip.</summary>
internal sealed class FfmpegServer : IDisposable
{
    private readonly string _clip;
    private Process? _process;

    public FfmpegServer(string clip)
    {
        _clip = clip;
        Port = FreePort();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/live.ts";

    public void Start()
    {
        var info = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-stream_loop", "-1", "-i", _clip,
                     "-c:v", "mpeg4", "-q:v", "4", "-f", "mpegts", "-listen", "1", Url,
                 })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start");
        _process.ErrorDataReceived += (_, _) => { };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    public void Dispose() => Kill();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
