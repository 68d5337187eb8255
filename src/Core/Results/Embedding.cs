namespace StreamJepa.Core.Results;

/// <summary>A representation: level 1 per frame (pooled vector), higher levels per window (ending at <see cref="Frame"/>).</summary>
public sealed record Embedding(string Stream, long Frame, double PtsMs, int Level, long ModelVersion, float[] Vector);
