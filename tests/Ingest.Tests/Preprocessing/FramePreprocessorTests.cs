using OpenCvSharp;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Preprocessing;

namespace StreamJepa.Ingest.Tests.Preprocessing;

public sealed class FramePreprocessorTests
{
    private static readonly IngestOptions Options = new()
    {
        Width = 32,
        Height = 24,
        Mean = [0.1f, 0.2f, 0.3f],
        Std = [0.5f, 0.25f, 0.125f],
    };

    [Fact]
    public void Process_Rgb_ResizesReordersAndNormalisesPerChannel()
    {
        using var bgr = new Mat(96, 128, MatType.CV_8UC3, new Scalar(10, 100, 200));
        using var pre = new FramePreprocessor(Options);
        var output = new float[pre.Shape.Length];

        pre.Process(bgr, output);

        var hw = 32 * 24;
        Assert.Equal(3 * hw, output.Length);
        Assert.All(output[..hw], v => Assert.Equal(((200 / 255f) - 0.1f) / 0.5f, v, 4));
        Assert.All(output[hw..(2 * hw)], v => Assert.Equal(((100 / 255f) - 0.2f) / 0.25f, v, 4));
        Assert.All(output[(2 * hw)..], v => Assert.Equal(((10 / 255f) - 0.3f) / 0.125f, v, 4));
    }

    [Fact]
    public void Process_Bgr_KeepsDecoderOrder()
    {
        using var bgr = new Mat(24, 32, MatType.CV_8UC3, new Scalar(10, 100, 200));
        using var pre = new FramePreprocessor(Options with { ColorOrder = ColorOrder.Bgr });
        var output = new float[pre.Shape.Length];

        pre.Process(bgr, output);

        Assert.Equal(((10 / 255f) - 0.1f) / 0.5f, output[0], 4);
        Assert.Equal(((200 / 255f) - 0.3f) / 0.125f, output[^1], 4);
    }

    [Fact]
    public void Process_Gray_OneChannelOfLuma()
    {
        using var bgr = new Mat(24, 32, MatType.CV_8UC3, new Scalar(255, 255, 255));
        using var pre = new FramePreprocessor(Options with { ColorOrder = ColorOrder.Gray, Mean = [0f], Std = [1f] });
        var output = new float[pre.Shape.Length];

        pre.Process(bgr, output);

        Assert.Equal(32 * 24, output.Length);
        Assert.All(output, v => Assert.Equal(1f, v, 3));
    }

    [Fact]
    public void Process_KeepsSpatialLayout()
    {
        using var bgr = new Mat(24, 32, MatType.CV_8UC3, Scalar.All(0));
        Cv2.Rectangle(bgr, new Rect(16, 0, 16, 24), Scalar.All(255), -1);
        using var pre = new FramePreprocessor(Options with { Interpolation = ResizeInterpolation.Nearest });
        var output = new float[pre.Shape.Length];

        pre.Process(bgr, output);

        Assert.True(output[0] < output[31], "left half dark, right half bright in row 0 of channel 0");
        Assert.True(output[(23 * 32) + 0] < output[(23 * 32) + 31], "same in the last row");
    }

    [Fact]
    public void Supersample_FineStripes_AveragesInsteadOfAliasing()
    {
        // One-pixel vertical stripes, shrunk 6x: each output pixel spans both colours.
        using var bgr = new Mat(144, 192, MatType.CV_8UC3, Scalar.All(0));
        for (var x = 1; x < 192; x += 2)
        {
            Cv2.Line(bgr, new Point(x, 0), new Point(x, 143), Scalar.All(255));
        }

        var options = Options with { Mean = [0f, 0f, 0f], Std = [1f, 1f, 1f] };
        using var super = new FramePreprocessor(options);
        using var nearest = new FramePreprocessor(options with { Interpolation = ResizeInterpolation.Nearest });
        var a = new float[super.Shape.Length];
        var b = new float[nearest.Shape.Length];

        super.Process(bgr, a);
        nearest.Process(bgr, b);

        Assert.All(a, v => Assert.Equal(0.5f, v, 2));
        Assert.All(b, v => Assert.True(v is 0f or 1f));
    }

    [Theory]
    [InlineData(ResizeInterpolation.Supersample)]
    [InlineData(ResizeInterpolation.Area)]
    [InlineData(ResizeInterpolation.Linear)]
    public void Process_EveryInterpolation_AgreesOnSmoothContent(ResizeInterpolation interpolation)
    {
        using var bgr = new Mat(240, 320, MatType.CV_8UC3);
        for (var y = 0; y < 240; y++)
        {
            Cv2.Line(bgr, new Point(0, y), new Point(319, y), new Scalar(y, 255 - y, 128));
        }

        var options = Options with { Mean = [0f, 0f, 0f], Std = [1f, 1f, 1f] };
        using var reference = new FramePreprocessor(options with { Interpolation = ResizeInterpolation.Area });
        using var candidate = new FramePreprocessor(options with { Interpolation = interpolation });
        var expected = new float[reference.Shape.Length];
        var actual = new float[candidate.Shape.Length];

        reference.Process(bgr, expected);
        candidate.Process(bgr, actual);

        Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First, pair.Second, 0.03f));
    }

    [Fact]
    public void Process_WrongDestinationLength_Throws()
    {
        using var bgr = new Mat(24, 32, MatType.CV_8UC3, Scalar.All(0));
        using var pre = new FramePreprocessor(Options);

        Assert.Throws<ArgumentException>(() => pre.Process(bgr, new float[10]));
    }
}
