namespace StreamJepa.Evaluation.Runs;

/// <summary>
/// One method's metrics on one video: frame-level ROC-AUC and AP, the detection latency per anomaly, and the alerts
/// that began on normal frames.
/// </summary>
internal sealed record MethodResult(string Method, double Auc, double AveragePrecision, IReadOnlyList<long?> Latencies, int FalseEpisodes)
{
    public double? MeanLatency => Latencies.Any(l => l is not null) ? Latencies.Where(l => l is not null).Average(l => (double)l!.Value) : null;

    public int Detected => Latencies.Count(l => l is not null);
}

/// <summary>Every method's result on one video, and the per-frame scores behind them (for pooled metrics).</summary>
internal sealed record VideoResult(
    string Video,
    int Frames,
    int AnomalousFrames,
    IReadOnlyList<MethodResult> Methods,
    IReadOnlyDictionary<string, double[]> Scores,
    bool[] Labels)
{
    /// <summary>Hours of normal (unlabelled) frames in the video, at its frame rate.</summary>
    public double NormalHours { get; init; }

    /// <summary>True when the video is one the model was trained on.</summary>
    public bool Trained { get; init; }

    /// <summary>The kinds of the video's anomalies, joined with '+' ("-" when unnamed).</summary>
    public string Kinds { get; init; } = "-";

    /// <summary>The timeline and the thumbnail strip, relative to the report.</summary>
    public VideoPictures? Pictures { get; init; }
}

/// <summary>A video's pictures: the surprise timeline, and the strip of its most surprising frames (null when none had an energy map).</summary>
internal sealed record VideoPictures(string Timeline, string? Strip, IReadOnlyList<int> StripFrames);
