using OpenCvSharp;

namespace StreamJepa.Ingest.Sources;

/// <summary>Reads the images of a folder in ordinal file-name order, at a given frame rate.</summary>
internal sealed class ImageFolderGrabber : IFrameGrabber
{
    public const double DefaultFps = 10;

    private static readonly HashSet<string> Extensions =
        new([".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".pgm"], StringComparer.OrdinalIgnoreCase);

    private readonly string[] _files;
    private int _next;

    private ImageFolderGrabber(string[] files, double fps)
    {
        _files = files;
        Fps = fps;
    }

    public double Fps { get; }

    public static ImageFolderGrabber Open(SourceDescriptor source)
    {
        string[] files;
        try
        {
            files = Directory.EnumerateFiles(source.Target)
                .Where(f => Extensions.Contains(Path.GetExtension(f)))
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new SourceException(source.Id, $"folder not found: {source.Target}", inner: ex);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new SourceException(source.Id, $"folder cannot be read: {source.Target}: {ex.Message}", inner: ex);
        }

        if (files.Length == 0)
        {
            throw new SourceException(source.Id, $"folder holds no images ({string.Join(", ", Extensions.Order())}): {source.Target}");
        }

        return new ImageFolderGrabber(files, source.Fps ?? DefaultFps);
    }

    public GrabResult Read(Mat frame, out double ptsMs)
    {
        if (_next >= _files.Length)
        {
            ptsMs = double.NaN;
            return GrabResult.End;
        }

        var index = _next++;
        ptsMs = index * 1000.0 / Fps;
        using var image = Cv2.ImRead(_files[index], ImreadModes.Color);
        if (image.Empty())
        {
            return GrabResult.Damaged;
        }

        image.CopyTo(frame);
        return GrabResult.Frame;
    }

    public void Dispose()
    {
    }
}
