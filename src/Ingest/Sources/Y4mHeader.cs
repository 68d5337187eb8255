using System.Globalization;

namespace StreamJepa.Ingest.Sources;

/// <summary>The stream header of a YUV4MPEG2 (y4m) stream: frame size, rate and 4:2:0 layout.</summary>
internal readonly record struct Y4mHeader(int Width, int Height, double Fps)
{
    /// <summary>Bytes of one I420 frame: a full-size luma plane and two quarter-size chroma planes.</summary>
    public int FrameBytes => (Width * Height) + (2 * ((Width + 1) / 2) * ((Height + 1) / 2));

    public static Y4mHeader Parse(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] != "YUV4MPEG2")
        {
            throw new FormatException($"not a YUV4MPEG2 header: \"{line}\"");
        }

        int width = 0, height = 0;
        var fps = double.NaN;
        foreach (var part in parts.Skip(1))
        {
            var value = part[1..];
            switch (part[0])
            {
                case 'W':
                    width = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case 'H':
                    height = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case 'F':
                    var ratio = value.Split(':');
                    var den = double.Parse(ratio[1], CultureInfo.InvariantCulture);
                    fps = den > 0 ? double.Parse(ratio[0], CultureInfo.InvariantCulture) / den : double.NaN;
                    break;
                case 'C' when !value.StartsWith("420", StringComparison.Ordinal):
                    throw new FormatException($"y4m colour space {value} is not 4:2:0");
            }
        }

        if (width <= 0 || height <= 0)
        {
            throw new FormatException($"y4m header without a frame size: \"{line}\"");
        }

        return new Y4mHeader(width, height, fps);
    }
}
