using OpenCvSharp;

namespace StreamJepa.Ingest.Tests.Support;

/// <summary>
/// Test videos written with OpenCV's <see cref="VideoWriter"/>: frame i is a uniform grey of <see cref="Level"/>(i),
/// so a decoded frame tells which frame it is.
/// </summary>
internal static class NumberedVideo
{
    public static int Level(long frame) => 16 + (int)(frame * 37 % 224);

    public static string Write(string directory, int frames, double fps = 25, int width = 160, int height = 120, string name = "numbered.avi")
    {
        var path = Path.Combine(directory, name);
        using var writer = new VideoWriter(path, FourCC.MJPG, fps, new Size(width, height));
        if (!writer.IsOpened())
        {
            throw new InvalidOperationException("VideoWriter cannot write " + path);
        }

        using var frame = new Mat(height, width, MatType.CV_8UC3);
        for (var i = 0; i < frames; i++)
        {
            frame.SetTo(Scalar.All(Level(i)));
            writer.Write(frame);
        }

        return path;
    }
}
