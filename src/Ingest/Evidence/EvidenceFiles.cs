using OpenCvSharp;
using StreamJepa.Core.Results;

namespace StreamJepa.Ingest.Evidence;

/// <summary>Writes one episode's evidence: the peak frame, the same frame annotated, and the clip. Each file appears whole or not at all (written aside, then renamed).</summary>
internal static class EvidenceFiles
{
    /// <summary>Share of the picture's own colour kept where the energy map is hottest.</summary>
    private const double HeatOpacity = 0.55;

    /// <param name="root">The evidence directory.</param>
    /// <param name="files">The episode's files, relative to <paramref name="root"/>.</param>
    /// <param name="episode">The closed episode.</param>
    /// <param name="frames">Its kept frames, oldest first (not empty): the snapshot is the one nearest the peak, the clip their evenly spaced ones.</param>
    /// <param name="format">How the clip is encoded.</param>
    /// <param name="fps">The clip's frame rate.</param>
    /// <param name="jpegQuality">Quality of the annotated snapshot.</param>
    /// <param name="clip">The frames of the clip: one per interval of its frame rate.</param>
    public static void Write(string root, EpisodeEvidence files, AnomalyEpisode episode, IReadOnlyList<EvidenceFrame> frames, IReadOnlyList<EvidenceFrame> clip, ClipFormat format, double fps, int jpegQuality)
    {
        var peak = frames.MinBy(f => Math.Abs(f.Sequence - episode.PeakFrame))!;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, files.Snapshot))!);
        Atomically(Path.Combine(root, files.Snapshot), path => File.WriteAllBytes(path, peak.Jpeg));
        Atomically(Path.Combine(root, files.Annotated), path =>
        {
            using var picture = Annotate(peak, episode);
            File.WriteAllBytes(path, picture.ImEncode(".jpg", [(int)ImwriteFlags.JpegQuality, jpegQuality]));
        });
        Atomically(Path.Combine(root, files.Clip), path => format.Write(path, clip, fps));
    }

    /// <summary>The frame with the peak energy map as a heat map over it (transparent where the energy is low) and the episode's box.</summary>
    internal static Mat Annotate(EvidenceFrame frame, AnomalyEpisode episode)
    {
        var picture = Cv2.ImDecode(frame.Jpeg, ImreadModes.Color);
        try
        {
            if (episode.PeakMap is { Energies.Length: > 0 } map && map.Energies.Max() is > 0 and var top)
            {
                Overlay(picture, map, top);
            }
        }
        catch
        {
            picture.Dispose();
            throw;
        }

        if (episode.Box is { } box && frame.SourceWidth > 0)
        {
            var s = (double)picture.Width / frame.SourceWidth;
            var rect = new Rect((int)(box.X * s), (int)(box.Y * s), Math.Max(1, (int)(box.Width * s)), Math.Max(1, (int)(box.Height * s)));
            Cv2.Rectangle(picture, rect, Scalar.White, 3);
            Cv2.Rectangle(picture, rect, Scalar.Red, 1);
        }

        var label = $"{episode.Stream} #{episode.Number} frame {frame.Sequence} peak {episode.PeakScore:0.0} levels {string.Join(",", episode.FiredLevels)}";
        Cv2.PutText(picture, label, new Point(8, 22), HersheyFonts.HersheySimplex, 0.6, Scalar.Black, 3, LineTypes.AntiAlias);
        Cv2.PutText(picture, label, new Point(8, 22), HersheyFonts.HersheySimplex, 0.6, Scalar.White, 1, LineTypes.AntiAlias);
        return picture;
    }

    /// <summary>Blends the map, scaled to the picture and coloured, over it in place: the hotter a place, the more of the colour.</summary>
    private static void Overlay(Mat picture, EnergyMap map, float top)
    {
        using var energies = Mat.FromPixelData(map.Rows, map.Columns, MatType.CV_32FC1, map.Energies);
        using var alpha = new Mat();
        Cv2.Resize(energies, alpha, picture.Size(), interpolation: InterpolationFlags.Cubic);
        Cv2.Multiply(alpha, Scalar.All(1.0 / top), alpha);
        Cv2.Max(alpha, 0, alpha);
        using var bytes = new Mat();
        alpha.ConvertTo(bytes, MatType.CV_8UC1, 255);
        using var heat = new Mat();
        Cv2.ApplyColorMap(bytes, heat, ColormapTypes.Jet);
        using var weight = new Mat();
        Cv2.CvtColor(alpha, weight, ColorConversionCodes.GRAY2BGR);
        Cv2.Multiply(weight, Scalar.All(HeatOpacity), weight);

        // picture + weight × (heat − picture), in floats.
        using var blended = new Mat();
        picture.ConvertTo(blended, MatType.CV_32FC3);
        using var towardHeat = new Mat();
        heat.ConvertTo(towardHeat, MatType.CV_32FC3);
        Cv2.Subtract(towardHeat, blended, towardHeat);
        Cv2.Multiply(towardHeat, weight, towardHeat);
        Cv2.Add(blended, towardHeat, blended);
        blended.ConvertTo(picture, MatType.CV_8UC3);
    }

    private static void Atomically(string path, Action<string> write)
    {
        var aside = $"{path}.{Environment.ProcessId}.tmp{Path.GetExtension(path)}";
        try
        {
            write(aside);
            File.Move(aside, path, overwrite: true);
        }
        finally
        {
            File.Delete(aside);
        }
    }
}
