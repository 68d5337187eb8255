using OpenCvSharp;
using StreamJepa.Core.Configuration;
using StreamJepa.Core.Frames;

namespace StreamJepa.Ingest.Preprocessing;

/// <summary>
/// Turns a decoded 8-bit BGR frame into the model input: resize, channel order, normalisation, (C, H, W) floats.
/// Normalisation is a per-channel look-up table, so the float pass is one read and one write per value.
/// One instance per reader thread: it reuses its resize buffer.
/// </summary>
public sealed class FramePreprocessor : IDisposable
{
    private readonly Mat _resized = new();
    private readonly Size _size;
    private readonly InterpolationFlags _interpolation;
    private readonly ColorOrder _order;
    private readonly float[] _lut;

    public FramePreprocessor(IngestOptions options)
    {
        _size = new Size(options.Width, options.Height);
        _order = options.ColorOrder;
        _interpolation = options.Interpolation switch
        {
            ResizeInterpolation.Linear => InterpolationFlags.Linear,
            ResizeInterpolation.Nearest => InterpolationFlags.Nearest,
            _ => InterpolationFlags.Area,
        };
        Shape = new FrameShape(options.Channels, options.Height, options.Width);
        _lut = new float[Shape.Channels * 256];
        for (var c = 0; c < Shape.Channels; c++)
        {
            for (var v = 0; v < 256; v++)
            {
                _lut[(c * 256) + v] = ((v / 255f) - options.Mean[c]) / options.Std[c];
            }
        }
    }

    public FrameShape Shape { get; }

    /// <summary>Writes the model input for <paramref name="bgr"/> into <paramref name="destination"/> (length C·H·W).</summary>
    public unsafe void Process(Mat bgr, Span<float> destination)
    {
        if (bgr.Type() != MatType.CV_8UC3)
        {
            throw new ArgumentException($"expected an 8-bit BGR frame, got {bgr.Type()}", nameof(bgr));
        }

        if (destination.Length != Shape.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} values, the input shape {Shape} needs {Shape.Length}", nameof(destination));
        }

        Cv2.Resize(bgr, _resized, _size, 0, 0, _interpolation);
        var hw = _size.Width * _size.Height;
        var src = (byte*)_resized.DataPointer;
        fixed (float* dst = destination)
        fixed (float* lut = _lut)
        {
            switch (_order)
            {
                case ColorOrder.Rgb:
                    Planar(src, dst, lut, hw, 2, 1, 0);
                    break;
                case ColorOrder.Bgr:
                    Planar(src, dst, lut, hw, 0, 1, 2);
                    break;
                default:
                    Gray(src, dst, lut, hw);
                    break;
            }
        }
    }

    public void Dispose() => _resized.Dispose();

    private static unsafe void Planar(byte* src, float* dst, float* lut, int hw, int first, int second, int third)
    {
        float* c0 = dst, c1 = dst + hw, c2 = dst + (2 * hw);
        float* l0 = lut, l1 = lut + 256, l2 = lut + 512;
        for (var i = 0; i < hw; i++)
        {
            var p = src + (3 * i);
            c0[i] = l0[p[first]];
            c1[i] = l1[p[second]];
            c2[i] = l2[p[third]];
        }
    }

    private static unsafe void Gray(byte* src, float* dst, float* lut, int hw)
    {
        for (var i = 0; i < hw; i++)
        {
            var p = src + (3 * i);
            var luma = ((29 * p[0]) + (150 * p[1]) + (77 * p[2]) + 128) >> 8;
            dst[i] = lut[luma];
        }
    }
}
