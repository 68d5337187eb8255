using OpenCvSharp;

namespace StreamJepa.Evaluation;

/// <summary>
/// Pixel-space baselines scored on the same frames as StreamJepa: frame differencing, OpenCV's MOG2 foreground
/// fraction, and the error of linear extrapolation (2·f[t−1] − f[t−2]). Frames are taken in grey at
/// <see cref="Width"/> pixels wide, as a detector at the edge would.
/// </summary>
public static class PixelBaselines
{
    public const int Width = 96;

    public static readonly IReadOnlyList<string> Names = ["frame difference", "MOG2 foreground", "pixel extrapolation"];

    /// <summary>The video's frame rate from its container, or 10 when the container does not say.</summary>
    public static double FramesPerSecond(string video)
    {
        using var capture = new VideoCapture(video);
        return capture.IsOpened() && capture.Fps is > 0 and < 1000 ? capture.Fps : 10;
    }

    /// <summary>One score per decoded frame for each baseline (index = frame number in the video).</summary>
    public static IReadOnlyDictionary<string, double[]> Score(string video)
    {
        using var capture = new VideoCapture(video);
        if (!capture.IsOpened())
        {
            throw new InvalidDataException($"cannot open {video}");
        }

        using var mog2 = BackgroundSubtractorMOG2.Create(history: 500, varThreshold: 16, detectShadows: false);
        using var frame = new Mat();
        using var grey = new Mat();
        using var mask = new Mat();
        var difference = new List<double>();
        var foreground = new List<double>();
        var extrapolation = new List<double>();
        Mat? previous = null;
        Mat? beforePrevious = null;
        try
        {
            while (capture.Read(frame) && !frame.Empty())
            {
                if (frame.Channels() == 1)
                {
                    frame.CopyTo(grey);
                }
                else
                {
                    Cv2.CvtColor(frame, grey, ColorConversionCodes.BGR2GRAY);
                }

                var small = new Mat();
                Cv2.Resize(grey, small, new Size(Width, Math.Max(1, Width * grey.Rows / grey.Cols)), interpolation: InterpolationFlags.Area);
                small.ConvertTo(small, MatType.CV_32F);
                mog2.Apply(small, mask);
                foreground.Add(Cv2.CountNonZero(mask) / (double)mask.Total());
                difference.Add(previous is null ? 0 : MeanAbsolute(small, previous));
                extrapolation.Add(beforePrevious is null || previous is null ? 0 : ExtrapolationError(small, previous, beforePrevious));
                beforePrevious?.Dispose();
                beforePrevious = previous;
                previous = small;
            }
        }
        finally
        {
            previous?.Dispose();
            beforePrevious?.Dispose();
        }

        return new Dictionary<string, double[]>
        {
            [Names[0]] = [.. difference],
            [Names[1]] = [.. foreground],
            [Names[2]] = [.. extrapolation],
        };
    }

    private static double MeanAbsolute(Mat a, Mat b)
    {
        using var delta = new Mat();
        Cv2.Absdiff(a, b, delta);
        return Cv2.Mean(delta).Val0;
    }

    private static double ExtrapolationError(Mat current, Mat previous, Mat beforePrevious)
    {
        using var predicted = new Mat();
        Cv2.AddWeighted(previous, 2, beforePrevious, -1, 0, predicted);
        return MeanAbsolute(current, predicted);
    }
}
