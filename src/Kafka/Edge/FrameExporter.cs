using System.Threading.Tasks.Dataflow;
using OpenCvSharp;
using StreamJepa.Core.Frames;
using StreamJepa.Core.Results;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Kafka.Messages;

namespace StreamJepa.Kafka.Edge;

/// <summary>
/// The edge's end of the ingest pipeline: each preprocessed frame back to 8-bit pixels at the model's input size
/// (undoing the normalisation exactly, up to rounding), JPEG-compressed and published to the frames topic keyed by
/// stream id; dropped and damaged frames are published as markers so workers keep every frame's place.
/// </summary>
public sealed class FrameExporter
{
    private readonly IngestOptions _options;
    private readonly KafkaPublisher _publisher;
    private readonly int[] _jpeg;
    private readonly TimeProvider _time;

    public FrameExporter(IngestOptions options, KafkaPublisher publisher, int jpegQuality, TimeProvider time)
    {
        _options = options;
        _publisher = publisher;
        _time = time;
        _jpeg = [(int)ImwriteFlags.JpegQuality, jpegQuality];
        Input = new ActionBlock<Frame>(Export, new ExecutionDataflowBlockOptions { BoundedCapacity = 32, MaxDegreeOfParallelism = 1 });
    }

    public ActionBlock<Frame> Input { get; }

    public long Exported { get; private set; }

    public void OnGap(FrameGap gap)
    {
        var header = new FrameHeader(gap.Stream, gap.Frame, double.NaN, false, 0, 0, 0);
        var kind = gap.Reason == FrameGapReason.Dropped ? FrameMessageKind.Dropped : FrameMessageKind.Damaged;
        _publisher.Publish(PublishChannel.Frames, gap.Stream, FrameMessage.Encode(header, kind, []), FrameMessage.Headers(gap.Stream, _time.GetUtcNow()));
    }

    private void Export(Frame frame)
    {
        using (frame)
        {
            using var image = ToImage(frame);
            Cv2.ImEncode(".jpg", image, out var jpeg, _jpeg);
            _publisher.Publish(PublishChannel.Frames, frame.Header.StreamId, FrameMessage.Encode(frame.Header, FrameMessageKind.Frame, jpeg), FrameMessage.Headers(frame.Header.StreamId, _time.GetUtcNow()));
            Exported++;
        }
    }

    /// <summary>Planar normalised channels (model order) back to an interleaved 8-bit BGR (or grey) image.</summary>
    private Mat ToImage(Frame frame)
    {
        var (channels, height, width) = (frame.Shape.Channels, frame.Shape.Height, frame.Shape.Width);
        var plane = height * width;
        var pixels = frame.Pixels;
        var dst = new byte[plane * channels];
        for (var c = 0; c < channels; c++)
        {
            // Model channel c lands on BGR slot: RGB order reverses, BGR and grey keep it.
            var slot = _options.ColorOrder == ColorOrder.Rgb ? 2 - c : c;
            var (mean, std) = (_options.Mean[c], _options.Std[c]);
            for (var i = 0; i < plane; i++)
            {
                var value = ((pixels[(c * plane) + i] * std) + mean) * 255f;
                dst[(i * channels) + slot] = (byte)Math.Clamp(MathF.Round(value), 0, 255);
            }
        }

        var image = new Mat(height, width, channels == 1 ? MatType.CV_8UC1 : MatType.CV_8UC3);
        System.Runtime.InteropServices.Marshal.Copy(dst, 0, image.Data, dst.Length);
        return image;
    }
}
