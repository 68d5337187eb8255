using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StreamJepa.Ingest.Tests.Support;

/// <summary>
/// A live MPEG-TS stream served over HTTP on loopback by Debian's <c>ffmpeg -listen 1</c>, looping a clip.
/// Like a camera, it takes a new client after one leaves (ffmpeg serves one client per run, so it is started
/// again) until <see cref="Kill"/> takes it down.
/// </summary>
internal sealed class FfmpegServer : IDisposable
{
    private readonly string _clip;
    private readonly Lock _gate = new();
    private Process? _process;
    private bool _running;
    private Task? _loop;

    public FfmpegServer(string clip)
    {
        _clip = clip;
        Port = FreePort();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/live.ts";

    public void Start()
    {
        lock (_gate)
        {
            _running = true;
        }

        _loop = Task.Run(Serve);
    }

    public void Kill()
    {
        lock (_gate)
        {
            _running = false;
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _loop?.Wait(TimeSpan.FromSeconds(10));
        _loop = null;
    }

    public void Dispose() => Kill();

    private void Serve()
    {
        while (true)
        {
            Process process;
            lock (_gate)
            {
                if (!_running)
                {
                    return;
                }

                process = Process.Start(StartInfo()) ?? throw new InvalidOperationException("ffmpeg did not start");
                process.ErrorDataReceived += (_, _) => { };
                process.OutputDataReceived += (_, _) => { };
                process.BeginErrorReadLine();
                process.BeginOutputReadLine();
                _process = process;
            }

            process.WaitForExit();
            lock (_gate)
            {
                _process = null;
                process.Dispose();
            }
        }
    }

    private ProcessStartInfo StartInfo()
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

        return info;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
