namespace StreamJepa.Core.Configuration;

/// <summary>How frames are scaled to the model input size.</summary>
public enum ResizeInterpolation
{
    /// <summary>Pixel-area averaging: no aliasing when shrinking, a little slower.</summary>
    Area,

    /// <summary>Bilinear: fastest, aliases when shrinking a lot.</summary>
    Linear,

    Nearest,
}
