namespace StreamJepa.Ingest.Synthetic;

/// <summary>A scheduled anomaly: frames <see cref="StartFrame"/> (inclusive) to <see cref="EndFrame"/> (exclusive).</summary>
/// <param name="Kind">What goes wrong.</param>
/// <param name="StartFrame">First anomalous frame (0-based).</param>
/// <param name="EndFrame">First frame after the anomaly.</param>
/// <param name="ObjectIndex">The object concerned, for per-object anomalies.</param>
public sealed record SceneAnomaly(SceneAnomalyKind Kind, long StartFrame, long EndFrame, int? ObjectIndex)
{
    public bool Contains(long frame) => frame >= StartFrame && frame < EndFrame;
}
