using OpenCvSharp;

namespace StreamJepa.Ingest.Sources;

/// <summary>Reads a video file through OpenCV's FFmpeg backend, or a camera through V4L2.</summary>
internal sealed class VideoCaptureGrabber : IFrameGrabber
{
    // cv::CAP_PROP_OPEN_TIMEOUT_MSEC and cv::CAP_PROP_READ_TIMEOUT_MSEC (not in OpenCvSharp's enum).
    private const int OpenTimeoutProperty = 53;
    private const int ReadTimeoutProperty = 54;

    // cv::CAP_PROP_N_THREADS (open-only, FFmpeg backend): decoder threads; 0 = one per core.
    private const int ThreadsProperty = 70;

    private readonly VideoCapture _capture;
    private readonly bool _isFile;
    private readonly double _frameCount;

    private VideoCaptureGrabber(VideoCapture capture, bool isFile)
    {
        _capture = capture;
        _isFile = isFile;
        _frameCount = isFile ? capture.Get(VideoCaptureProperties.FrameCount) : 0;
        var fps = capture.Get(VideoCaptureProperties.Fps);
        Fps = fps is > 0 and < 1000 ? fps : double.NaN;
    }

    public double Fps { get; }

    public static VideoCaptureGrabber OpenFile(SourceDescriptor source, int decodeThreads)
    {
        var info = new FileInfo(source.Target);
        if (!info.Exists)
        {
            throw new SourceException(source.Id, $"file not found: {source.Target}");
        }

        if (info.Length == 0)
        {
            throw new SourceException(source.Id, $"file is empty (0 bytes): {source.Target}");
        }

        try
        {
            using var probe = info.OpenRead();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new SourceException(source.Id, $"file cannot be read: {source.Target}: {ex.Message}", inner: ex);
        }

        var capture = new VideoCapture(source.Target, VideoCaptureAPIs.FFMPEG, [ThreadsProperty, decodeThreads]);
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new SourceException(source.Id, $"not a video OpenCV's FFmpeg can read: {source.Target}");
        }

        return new VideoCaptureGrabber(capture, isFile: true);
    }

    public static VideoCaptureGrabber OpenCamera(SourceDescriptor source, int openTimeoutMs, int readTimeoutMs)
    {
        var index = int.Parse(source.Target, System.Globalization.CultureInfo.InvariantCulture);
        var capture = new VideoCapture(index, VideoCaptureAPIs.V4L2, [OpenTimeoutProperty, openTimeoutMs, ReadTimeoutProperty, readTimeoutMs]);
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new SourceException(source.Id, $"cannot open camera {index}", transient: true);
        }

        return new VideoCaptureGrabber(capture, isFile: false);
    }

    public GrabResult Read(Mat frame, out double ptsMs)
    {
        if (_capture.Read(frame) && !frame.Empty())
        {
            ptsMs = _isFile ? _capture.Get(VideoCaptureProperties.PosMsec) : double.NaN;
            return GrabResult.Frame;
        }

        ptsMs = double.NaN;
        if (!_isFile)
        {
            return GrabResult.End;
        }

        // A file that still has frames ahead of the read position holds a damaged one here.
        return _frameCount > 0 && _capture.Get(VideoCaptureProperties.PosFrames) < _frameCount - 1
            ? GrabResult.Damaged
            : GrabResult.End;
    }

    public void Dispose() => _capture.Dispose();
}
