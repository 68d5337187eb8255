using OpenCvSharp;
using StreamJepa.Core.Frames;
using StreamJepa.Ingest.Configuration;

namespace StreamJepa.Ingest.Preprocessing;

/// <summary>
/// Turns a decoded 8-bit BGR frame into the model input: resize, channel order, normalisation, (C, H, W) floats.
/// The default <see cref="ResizeInterpolation.Supersample"/> does all of it in one pass over the decoded frame;
/// the OpenCV interpolations resize first, then normalise through a per-channel look-up table.
/// One instance per reader thread: it reuses its buffers and sampling tables.
/// </summary>
public sealed class FramePreprocessor : IDisposable
{
    private const int SumLevels = (4 * 255) + 1;

    private readonly Mat _resized = new();
    private readonly Size _size;
    private readonly ResizeInterpolation _interpolation;
    private readonly ColorOrder _order;
    private readonly float[] _lut;
    private readonly float[] _sumLut;
    private readonly SupersampleGrid _grid;

    public FramePreprocessor(IngestOptions options)
    {
        _size = new Size(options.Width, options.Height);
        _order = options.ColorOrder;
        _interpolation = options.Interpolation;
        Shape = options.Shape;
        _lut = new float[Shape.Channels * 256];
        _sumLut = new float[Shape.Channels * SumLevels];
        for (var c = 0; c < Shape.Channels; c++)
        {
            for (var v = 0; v < 256; v++)
            {
                _lut[(c * 256) + v] = ((v / 255f) - options.Mean[c]) / options.Std[c];
            }

            for (var sum = 0; sum < SumLevels; sum++)
            {
                _sumLut[(c * SumLevels) + sum] = ((sum / (4 * 255f)) - options.Mean[c]) / options.Std[c];
            }
        }

        _grid = new SupersampleGrid(options.Width, options.Height);
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

        fixed (float* dst = destination)
        {
            if (_interpolation == ResizeInterpolation.Supersample)
            {
                _grid.Fit(bgr.Width, bgr.Height);
                fixed (float* lut = _sumLut)
                {
                    Supersample(bgr, dst, lut);
                }

                return;
            }

            Cv2.Resize(bgr, _resized, _size, 0, 0, OpenCvInterpolation(_interpolation));
            fixed (float* lut = _lut)
            {
                Normalise((byte*)_resized.DataPointer, dst, lut);
            }
        }
    }

    public void Dispose() => _resized.Dispose();

    private static InterpolationFlags OpenCvInterpolation(ResizeInterpolation interpolation) => interpolation switch
    {
        ResizeInterpolation.Linear => InterpolationFlags.Linear,
        ResizeInterpolation.Nearest => InterpolationFlags.Nearest,
        _ => InterpolationFlags.Area,
    };

    private unsafe void Normalise(byte* src, float* dst, float* lut)
    {
        var hw = _size.Width * _size.Height;
        if (_order == ColorOrder.Gray)
        {
            for (var i = 0; i < hw; i++)
            {
                var p = src + (3 * i);
                dst[i] = lut[((29 * p[0]) + (150 * p[1]) + (77 * p[2]) + 128) >> 8];
            }

            return;
        }

        var (first, third) = _order == ColorOrder.Rgb ? (2, 0) : (0, 2);
        float* c0 = dst, c1 = dst + hw, c2 = dst + (2 * hw);
        for (var i = 0; i < hw; i++)
        {
            var p = src + (3 * i);
            c0[i] = lut[p[first]];
            c1[i] = lut[256 + p[1]];
            c2[i] = lut[512 + p[third]];
        }
    }

    private unsafe void Supersample(Mat bgr, float* dst, float* lut)
    {
        var width = _size.Width;
        var hw = width * _size.Height;
        var source = (byte*)bgr.DataPointer;
        var step = bgr.Step();
        var rgb = _order == ColorOrder.Rgb;
        var gray = _order == ColorOrder.Gray;
        float* c0 = dst, c1 = dst + hw, c2 = dst + (2 * hw);
        float* l1 = lut + SumLevels, l2 = lut + (2 * SumLevels);
        fixed (int* rows = _grid.Rows)
        fixed (int* cols = _grid.Columns)
        {
            for (var y = 0; y < _size.Height; y++)
            {
                var r0 = source + (rows[2 * y] * step);
                var r1 = source + (rows[(2 * y) + 1] * step);
                var i = y * width;
                for (var x = 0; x < width; x++, i++)
                {
                    int a = cols[2 * x], b = cols[(2 * x) + 1];
                    var blue = r0[a] + r0[b] + r1[a] + r1[b];
                    var green = r0[a + 1] + r0[b + 1] + r1[a + 1] + r1[b + 1];
                    var red = r0[a + 2] + r0[b + 2] + r1[a + 2] + r1[b + 2];
                    if (gray)
                    {
                        c0[i] = lut[((29 * blue) + (150 * green) + (77 * red) + 128) >> 8];
                    }
                    else
                    {
                        c0[i] = lut[rgb ? red : blue];
                        c1[i] = l1[green];
                        c2[i] = l2[rgb ? blue : red];
                    }
                }
            }
        }
    }
}
