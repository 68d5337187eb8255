using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using OpenCvSharp;

namespace StreamJepa.Ingest.Sources;

/// <summary>
/// Reads a network stream (RTSP, HTTP(S), RTMP) through the system's <c>ffmpeg</c> in a child process that writes
/// YUV4MPEG2 to a pipe. The FFmpeg inside the OpenCV runtime is built with the file protocol only, so URLs cannot
/// go through <see cref="VideoCapture"/>. Open and read are bounded by timeouts: a dead URL never blocks for long.
/// </summary>
internal sealed class FfmpegPipeGrabber : IFrameGrabber
{
    /// <summary>Output arguments: the first video stream, even-sized, as YUV4MPEG2 on standard output.</summary>
    private static readonly string[] Output = ["-map", "0:v:0", "-an", "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", "-strict", "-1", "-"];

    private readonly Process _process;
    private readonly Stream _pipe;
    private readonly int _readTimeoutMs;
    private readonly byte[] _buffer;
    private readonly GCHandle _pin;
    private readonly Mat _yuv;
    private readonly Y4mHeader _header;
    private readonly Timer _watchdog;
    private long _lastProgress = Environment.TickCount64;

    private FfmpegPipeGrabber(Process process, Y4mHeader header, int readTimeoutMs)
    {
        _process = process;
        _pipe = process.StandardOutput.BaseStream;
        _header = header;
        _readTimeoutMs = readTimeoutMs;
        _buffer = new byte[header.FrameBytes];
        _pin = GCHandle.Alloc(_buffer, GCHandleType.Pinned);
        _yuv = Mat.FromPixelData(header.Height * 3 / 2, header.Width, MatType.CV_8UC1, _pin.AddrOfPinnedObject());
        var period = TimeSpan.FromMilliseconds(Math.Max(50, readTimeoutMs / 4));
        _watchdog = new Timer(CheckProgress, null, period, period);
    }

    public double Fps => _header.Fps;

    public static FfmpegPipeGrabber Open(SourceDescriptor source, string ffmpeg, int openTimeoutMs, int readTimeoutMs)
    {
        var info = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var input = FfmpegInput.For(source.Target, Math.Max(openTimeoutMs, readTimeoutMs));
        foreach (var arg in (string[])["-hide_banner", "-loglevel", "error", "-nostdin", .. input.Arguments, .. Output])
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new SourceException(source.Id, $"{ffmpeg} did not start");
        }
        catch (Win32Exception ex)
        {
            throw new SourceException(source.Id, $"'{ffmpeg}' not found; URL sources need FFmpeg (scripts/setup.sh installs it)", inner: ex);
        }

        var stderr = new StderrTail(process);
        try
        {
            var line = ReadLine(process.StandardOutput.BaseStream, openTimeoutMs)
                ?? throw new SourceException(source.Id, $"cannot open {source.SafeTarget}: {source.Scrub(stderr.Last("no answer within " + openTimeoutMs + " ms"))}", transient: true);
            return new FfmpegPipeGrabber(process, Y4mHeader.Parse(line), readTimeoutMs);
        }
        catch (Exception ex) when (ex is FormatException or IOException)
        {
            Kill(process);
            throw new SourceException(source.Id, $"cannot open {source.SafeTarget}: {source.Scrub(ex.Message)}", transient: true, inner: ex);
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    public GrabResult Read(Mat frame, out double ptsMs)
    {
        ptsMs = double.NaN;
        if (!ReadFrameTag() || !ReadPayload())
        {
            return GrabResult.End;
        }

        Cv2.CvtColor(_yuv, frame, ColorConversionCodes.YUV2BGR_I420);
        return GrabResult.Frame;
    }

    public void Dispose()
    {
        _watchdog.Dispose();
        Kill(_process);
        _yuv.Dispose();
        _pin.Free();
    }

    /// <summary>Kills ffmpeg when no byte has arrived for the read timeout, which ends the blocked read.</summary>
    private void CheckProgress(object? state)
    {
        if (Environment.TickCount64 - Interlocked.Read(ref _lastProgress) > _readTimeoutMs)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private bool ReadFrameTag()
    {
        // "FRAME" followed by optional parameters up to '\n'.
        var length = 0;
        while (true)
        {
            var b = _pipe.ReadByte();
            if (b < 0)
            {
                return false;
            }

            Interlocked.Exchange(ref _lastProgress, Environment.TickCount64);
            if (b == '\n')
            {
                return length >= 5;
            }

            if ((length < 5 && b != "FRAME"[length]) || ++length > 1024)
            {
                return false;
            }
        }
    }

    private bool ReadPayload()
    {
        var read = 0;
        while (read < _buffer.Length)
        {
            var n = _pipe.Read(_buffer, read, _buffer.Length - read);
            if (n <= 0)
            {
                return false;
            }

            read += n;
            Interlocked.Exchange(ref _lastProgress, Environment.TickCount64);
        }

        return true;
    }

    /// <summary>Reads one '\n'-terminated ASCII line, or null at end of stream or after <paramref name="timeoutMs"/>.</summary>
    private static string? ReadLine(Stream stream, int timeoutMs)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        var line = new StringBuilder();
        var one = new byte[1];
        try
        {
            while (true)
            {
                if (stream.ReadAsync(one, cts.Token).AsTask().GetAwaiter().GetResult() == 0)
                {
                    return null;
                }

                if (one[0] == (byte)'\n')
                {
                    return line.ToString();
                }

                if (line.Length > 4096)
                {
                    throw new IOException("y4m line longer than 4 KiB");
                }

                line.Append((char)one[0]);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(2_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
    }

    /// <summary>Keeps the last lines ffmpeg wrote to standard error, for error messages.</summary>
    private sealed class StderrTail
    {
        private readonly Queue<string> _lines = new();

        public StderrTail(Process process)
        {
            process.ErrorDataReceived += (_, e) =>
            {
                if (string.IsNullOrWhiteSpace(e.Data))
                {
                    return;
                }

                lock (_lines)
                {
                    _lines.Enqueue(e.Data.Trim());
                    while (_lines.Count > 5)
                    {
                        _lines.Dequeue();
                    }
                }
            };
            process.BeginErrorReadLine();
        }

        public string Last(string otherwise)
        {
            lock (_lines)
            {
                return _lines.Count > 0 ? _lines.Last() : otherwise;
            }
        }
    }
}
