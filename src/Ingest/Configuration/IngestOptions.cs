using System.Text.Json.Serialization;
using StreamJepa.Core.Configuration;
using StreamJepa.Core.Frames;

namespace StreamJepa.Ingest.Configuration;

/// <summary>Decoding, preprocessing and flow control for every source.</summary>
public sealed record IngestOptions
{
    /// <summary>Model input width in pixels.</summary>
    public int Width { get; init; } = 128;

    /// <summary>Model input height in pixels.</summary>
    public int Height { get; init; } = 128;

    public ColorOrder ColorOrder { get; init; } = ColorOrder.Rgb;

    public ResizeInterpolation Interpolation { get; init; } = ResizeInterpolation.Supersample;

    /// <summary>Per-channel mean (in model channel order, on the 0..1 scale) subtracted before dividing by <see cref="Std"/>.</summary>
    public IReadOnlyList<float> Mean { get; init; } = [0.5f, 0.5f, 0.5f];

    /// <summary>Per-channel standard deviation (model channel order, 0..1 scale).</summary>
    public IReadOnlyList<float> Std { get; init; } = [0.25f, 0.25f, 0.25f];

    /// <summary>Pace files at their native frame rate, like a live camera (drop-oldest instead of backpressure).</summary>
    public bool Realtime { get; init; }

    /// <summary>Frames a live (or real-time) source may hold while downstream is busy before the oldest is dropped.</summary>
    public int LiveQueueCapacity { get; init; } = 4;

    /// <summary>Frames waiting at the shared downstream input, across all streams (the backpressure bound).</summary>
    public int QueueCapacity { get; init; } = 32;

    /// <summary>How long opening a URL may take before it counts as a failed attempt.</summary>
    public int OpenTimeoutMs { get; init; } = 5_000;

    /// <summary>How long a live read may stall before the stream counts as disconnected.</summary>
    public int ReadTimeoutMs { get; init; } = 5_000;

    /// <summary>Consecutive undecodable frames after which a file is considered ended.</summary>
    public int MaxConsecutiveDecodeErrors { get; init; } = 50;

    public ReconnectOptions Reconnect { get; init; } = new();

    /// <summary>
    /// FFmpeg decoder threads per file stream; 0 = one per core. Streams already decode in parallel, so one
    /// thread each avoids oversubscribing the cores (and FFmpeg's frame-threading hand-offs).
    /// </summary>
    public int DecodeThreads { get; init; } = 1;

    /// <summary>
    /// Scheduling niceness of decoder threads (0..19, Linux). Above 0 the model is served first when both want
    /// the CPU, which keeps a few cores busy instead of stalling each other.
    /// </summary>
    public int DecoderNice { get; init; } = 10;

    /// <summary>FFmpeg executable that decodes URL sources (the OpenCV runtime's own FFmpeg reads files only).</summary>
    public string FfmpegPath { get; init; } = "ffmpeg";

    public int Channels => ColorOrder == ColorOrder.Gray ? 1 : 3;

    /// <summary>Shape of one preprocessed frame (C, H, W): what ingest hands the model.</summary>
    [JsonIgnore]
    public FrameShape Shape => new(Channels, Height, Width);

    public void Validate(string key, ConfigErrors errors)
    {
        errors.Range($"{key}.width", Width, 8, 4096);
        errors.Range($"{key}.height", Height, 8, 4096);
        CheckPerChannel($"{key}.mean", Mean, errors, allowZero: true);
        CheckPerChannel($"{key}.std", Std, errors, allowZero: false);
        errors.Range($"{key}.liveQueueCapacity", LiveQueueCapacity, 1, 10_000);
        errors.Range($"{key}.queueCapacity", QueueCapacity, 1, 100_000);
        errors.Range($"{key}.openTimeoutMs", OpenTimeoutMs, 100, 600_000);
        errors.Range($"{key}.readTimeoutMs", ReadTimeoutMs, 100, 600_000);
        errors.Range($"{key}.maxConsecutiveDecodeErrors", MaxConsecutiveDecodeErrors, 1, 1_000_000);
        Reconnect.Validate($"{key}.reconnect", errors);
        errors.Range($"{key}.decoderNice", DecoderNice, 0, 19);
        errors.Range($"{key}.decodeThreads", DecodeThreads, 0, 64);
        if (string.IsNullOrWhiteSpace(FfmpegPath))
        {
            errors.Add($"{key}.ffmpegPath", FfmpegPath, "must name the ffmpeg executable");
        }
    }

    private void CheckPerChannel(string key, IReadOnlyList<float> values, ConfigErrors errors, bool allowZero)
    {
        if (values.Count != Channels)
        {
            errors.Add(key, values, $"must have {Channels} value(s), one per channel of colorOrder {ColorOrder}");
        }
        else if (values.Any(v => !float.IsFinite(v) || (allowZero ? v < -10 || v > 10 : v <= 0 || v > 10)))
        {
            errors.Add(key, values, allowZero ? "values must be finite, between -10 and 10" : "values must be positive and at most 10");
        }
    }
}
