using StreamJepa.Core.Frames;

namespace StreamJepa.Inference.Pipeline;

/// <summary>Receives a frame on its way to the model: its header, its model input, and whether an anomaly is open on its stream.</summary>
public delegate void FrameTap(FrameHeader header, ReadOnlySpan<float> pixels, bool anomalyOpen);
