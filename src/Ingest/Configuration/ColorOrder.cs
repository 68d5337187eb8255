namespace StreamJepa.Ingest.Configuration;

/// <summary>Channel order of the model input.</summary>
public enum ColorOrder
{
    Rgb,
    Bgr,
    Gray,
}
