using OpenCvSharp;

namespace StreamJepa.Ingest.Synthetic;

/// <summary>Writes a synthetic scene to a video file, with its ground truth beside it (<c>NAME.truth.json</c>).</summary>
public static class SceneVideo
{
    public static string TruthPath(string videoPath) => Path.ChangeExtension(videoPath, ".truth.json");

    /// <summary>Renders every frame of <paramref name="options"/> (which must have a frame count) into <paramref name="videoPath"/>.</summary>
    public static SceneTruth Write(SyntheticSceneOptions options, string videoPath, FourCC? codec = null)
    {
        if (options.Frames <= 0)
        {
            throw new ArgumentException("a scene written to a file needs frames > 0", nameof(options));
        }

        using var scene = new SyntheticScene(options);
        using var writer = new VideoWriter(videoPath, codec ?? FourCC.MJPG, options.Fps, new Size(options.Width, options.Height));
        if (!writer.IsOpened())
        {
            throw new IOException($"cannot write video {videoPath} (codec or container not supported by OpenCV's FFmpeg)");
        }

        using var frame = new Mat(options.Height, options.Width, MatType.CV_8UC3);
        while (!scene.Finished)
        {
            scene.Render(frame);
            writer.Write(frame);
        }

        var truth = scene.Truth();
        truth.Save(TruthPath(videoPath));
        return truth;
    }
}
