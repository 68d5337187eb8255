namespace StreamJepa.Ingest.Configuration;

/// <summary>How frames are scaled to the model input size.</summary>
public enum ResizeInterpolation
{
    /// <summary>
    /// 2×2 supersampling: each output pixel averages four source pixels at the centres of its quarter-cells,
    /// read straight from the decoded frame in the same pass that orders and normalises the channels.
    /// Much less aliasing than bilinear when shrinking a lot, at a fraction of the cost of either.
    /// </summary>
    Supersample,

    /// <summary>Pixel-area averaging: no aliasing when shrinking, a little slower.</summary>
    Area,

    /// <summary>Bilinear: fastest, aliases when shrinking a lot.</summary>
    Linear,

    Nearest,
}
