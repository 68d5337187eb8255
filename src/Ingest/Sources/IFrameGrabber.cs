using OpenCvSharp;

namespace StreamJepa.Ingest.Sources;

/// <summary>An opened source that decodes frames, one at a time, into a caller-owned BGR <see cref="Mat"/>.</summary>
public interface IFrameGrabber : IDisposable
{
    /// <summary>Native frame rate, or NaN when the source does not say.</summary>
    double Fps { get; }

    /// <summary>Decodes the next frame into <paramref name="frame"/>; <paramref name="ptsMs"/> is NaN when unknown.</summary>
    GrabResult Read(Mat frame, out double ptsMs);
}
