using System.Diagnostics;
using System.Globalization;
using OpenCvSharp;

namespace StreamJepa.Ingest.Evidence;

/// <summary>
/// How clips are encoded: H.264 in MP4 (which browsers play) through the system's <c>ffmpeg</c> when it has the
/// libx264 encoder, fed the kept JPEG pictures as they are; else Motion-JPEG in AVI through the bundled OpenCV,
/// whose FFmpeg has no H.264 encoder.
/// </summary>
/// <param name="Extension">File extension with its dot.</param>
/// <param name="ViaFfmpeg">True for the system ffmpeg, false for OpenCV's writer.</param>
public sealed record ClipFormat(string Extension, bool ViaFfmpeg)
{
    public static readonly ClipFormat H264 = new(".mp4", ViaFfmpeg: true);

    public static readonly ClipFormat MotionJpeg = new(".avi", ViaFfmpeg: false);

    private static readonly TimeSpan EncodeTimeout = TimeSpan.FromMinutes(2);

    /// <summary>H.264 when <c>ffmpeg -encoders</c> lists libx264, else Motion-JPEG.</summary>
    public static ClipFormat Probe()
    {
        try
        {
            using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-hide_banner", "-encoders"]) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (ffmpeg is null)
            {
                return MotionJpeg;
            }

            _ = ffmpeg.StandardError.ReadToEndAsync();
            var encoders = ffmpeg.StandardOutput.ReadToEnd();
            return ffmpeg.WaitForExit(10_000) && ffmpeg.ExitCode == 0 && encoders.Contains(" libx264 ", StringComparison.Ordinal) ? H264 : MotionJpeg;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return MotionJpeg;    // no ffmpeg on the PATH
        }
    }

    /// <summary>Writes <paramref name="frames"/> (not empty) as a clip of <paramref name="fps"/> frames a second at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The encoder failed (its message says why).</exception>
    public void Write(string path, IReadOnlyList<EvidenceFrame> frames, double fps)
    {
        if (ViaFfmpeg)
        {
            WriteWithFfmpeg(path, frames, fps);
        }
        else
        {
            WriteWithOpenCv(path, frames, fps);
        }
    }

    private static void WriteWithFfmpeg(string path, IReadOnlyList<EvidenceFrame> frames, double fps)
    {
        string[] arguments =
        [
            "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "image2pipe", "-c:v", "mjpeg", "-framerate", fps.ToString(CultureInfo.InvariantCulture), "-i", "pipe:0",
            "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", path,
        ];
        using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", arguments) { RedirectStandardInput = true, RedirectStandardError = true })
            ?? throw new IOException("ffmpeg could not be started");
        var errors = ffmpeg.StandardError.ReadToEndAsync();
        try
        {
            foreach (var frame in frames)
            {
                ffmpeg.StandardInput.BaseStream.Write(frame.Jpeg);
            }

            ffmpeg.StandardInput.Close();
        }
        catch (IOException)
        {
            // ffmpeg stopped reading: its exit code and message below say why.
        }

        if (!ffmpeg.WaitForExit(EncodeTimeout))
        {
            ffmpeg.Kill();
            throw new IOException($"ffmpeg took longer than {EncodeTimeout.TotalMinutes} minutes to encode {frames.Count} frames");
        }

        if (ffmpeg.ExitCode != 0)
        {
            throw new IOException($"ffmpeg could not encode the clip (exit {ffmpeg.ExitCode}): {errors.Result.Trim()}");
        }
    }

    private static void WriteWithOpenCv(string path, IReadOnlyList<EvidenceFrame> frames, double fps)
    {
        using var first = Cv2.ImDecode(frames[0].Jpeg, ImreadModes.Color);
        var size = first.Size();
        using var writer = new VideoWriter(path, FourCC.MJPG, fps, size);
        if (!writer.IsOpened())
        {
            throw new IOException($"OpenCV cannot write a Motion-JPEG clip at {path}");
        }

        foreach (var frame in frames)
        {
            using var picture = Cv2.ImDecode(frame.Jpeg, ImreadModes.Color);
            if (picture.Size() == size)
            {
                writer.Write(picture);
                continue;
            }

            using var resized = picture.Resize(size);
            writer.Write(resized);
        }
    }
}
