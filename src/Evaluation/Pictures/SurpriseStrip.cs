using System.Globalization;
using OpenCvSharp;
using StreamJepa.Core.Results;

namespace StreamJepa.Evaluation.Pictures;

/// <summary>
/// A strip of thumbnails of a video's most surprising frames, each with its level-1 energy map laid over it (JET
/// colours, one scale for the whole strip so the thumbnails compare), labelled with the frame and its surprise; a
/// red border marks frames inside a ground-truth range.
/// </summary>
public static class SurpriseStrip
{
    private const double Opacity = 0.45;

    /// <summary>Writes the strip; returns the frames shown (none when the video had no energy map).</summary>
    public static IReadOnlyList<int> Save(VideoTrace trace, string path, int count = 6, int thumbWidth = 240, int gap = 15)
    {
        var frames = trace.MostSurprising(count, gap);
        if (frames.Count == 0)
        {
            return frames;
        }

        var scale = frames.Max(t => trace.EnergyMaps[t]!.Energies.Max());
        var thumbs = ReadFrames(trace.VideoPath, frames, thumbWidth);
        try
        {
            for (var i = 0; i < frames.Count; i++)
            {
                var t = frames[i];
                OverlayEnergy(thumbs[i], trace.EnergyMaps[t]!, scale);
                Label(thumbs[i], string.Create(CultureInfo.InvariantCulture, $"frame {t}  surprise {trace.Combined[t]:0.0}"));
                if (trace.Truth.Any(r => r.Contains(t)))
                {
                    Cv2.Rectangle(thumbs[i], new Rect(0, 0, thumbs[i].Width, thumbs[i].Height), Scalar.Red, 4);
                }
            }

            using var strip = new Mat();
            Cv2.HConcat(thumbs, strip);
            if (!Cv2.ImWrite(path, strip))
            {
                throw new IOException($"cannot write {path}");
            }

            return frames;
        }
        finally
        {
            foreach (var thumb in thumbs)
            {
                thumb.Dispose();
            }
        }
    }

    /// <summary>Reads the wanted frames (sorted) in one pass, each resized to the thumbnail width.</summary>
    private static Mat[] ReadFrames(string videoPath, IReadOnlyList<int> frames, int width)
    {
        var thumbs = new List<Mat>();
        using var capture = new VideoCapture(videoPath);
        if (!capture.IsOpened())
        {
            throw new IOException($"cannot open {videoPath} for thumbnails");
        }

        using var frame = new Mat();
        var next = 0;
        for (var t = 0; next < frames.Count && capture.Read(frame) && !frame.Empty(); t++)
        {
            if (t != frames[next])
            {
                continue;
            }

            var thumb = new Mat();
            Cv2.Resize(frame, thumb, new Size(width, (int)Math.Round(width * frame.Height / (double)frame.Width)), interpolation: InterpolationFlags.Area);
            thumbs.Add(thumb);
            next++;
        }

        if (thumbs.Count != frames.Count)
        {
            foreach (var thumb in thumbs)
            {
                thumb.Dispose();
            }

            throw new IOException($"{videoPath} ended before frame {frames[next]}");
        }

        return [.. thumbs];
    }

    private static void OverlayEnergy(Mat thumb, EnergyMap map, float scale)
    {
        using var energies = Mat.FromPixelData(map.Rows, map.Columns, MatType.CV_32FC1, map.Energies);
        using var bytes = new Mat();
        energies.ConvertTo(bytes, MatType.CV_8UC1, 255.0 / Math.Max(scale, 1e-12));
        using var large = new Mat();
        Cv2.Resize(bytes, large, thumb.Size(), interpolation: InterpolationFlags.Cubic);
        using var colours = new Mat();
        Cv2.ApplyColorMap(large, colours, ColormapTypes.Jet);
        Cv2.AddWeighted(thumb, 1 - Opacity, colours, Opacity, 0, thumb);
    }

    private static void Label(Mat thumb, string text)
    {
        Cv2.Rectangle(thumb, new Rect(0, 0, thumb.Width, 20), Scalar.Black, -1);
        Cv2.PutText(thumb, text, new Point(5, 14), HersheyFonts.HersheySimplex, 0.42, Scalar.White, 1, LineTypes.AntiAlias);
    }
}
