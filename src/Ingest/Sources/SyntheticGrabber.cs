using OpenCvSharp;
using StreamJepa.Ingest.Synthetic;

namespace StreamJepa.Ingest.Sources;

/// <summary>Frames of a <see cref="SyntheticScene"/>, time-stamped at the scene's frame rate.</summary>
internal sealed class SyntheticGrabber : IFrameGrabber
{
    private readonly SyntheticScene _scene;

    public SyntheticGrabber(SyntheticSceneOptions options)
    {
        _scene = new SyntheticScene(options);
    }

    public double Fps => _scene.Options.Fps;

    public GrabResult Read(Mat frame, out double ptsMs)
    {
        if (_scene.Finished)
        {
            ptsMs = double.NaN;
            return GrabResult.End;
        }

        var index = _scene.Render(frame);
        ptsMs = index * 1000.0 / Fps;
        return GrabResult.Frame;
    }

    public void Dispose() => _scene.Dispose();
}
