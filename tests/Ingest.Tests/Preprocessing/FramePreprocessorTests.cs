using OpenCvSharp;
using StreamJepa.Core.Configuration;
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
        bgr[new Rect(16, 0, 16, 24)].SetTo(Scalar.All(255));
        using var pre = new FramePreprocessor(Options with { Interpolation = ResizeInterpolation.Nearest });
        var output = new float[pre.Shape.Length];

        pre.Process(bgr, output);

        Assert.True(output[0] < output[31], "left half dark, right half bright in row 0 of channel 0");
        Assert.True(output[(23 * 32) + 0] < output[(23 * 32) + 31], "same in the last row");
    }

    [Fact]
    public void Process_WrongDestinationLength_Throws()
    {
        using var bgr = new Mat(24, 32, MatType.CV_8UC3, Scalar.All(0));
        using var pre = new FramePreprocessor(Options);

        Assert.Throws<ArgumentException>(() => pre.Process(bgr, new float[10]));
    }
}
