namespace StreamJepa.Ingest.Sources;

public enum GrabResult
{
    /// <summary>A frame was decoded.</summary>
    Frame,

    /// <summary>The next frame could not be decoded; the source can go on.</summary>
    Damaged,

    /// <summary>A file ended, or a live stream was lost.</summary>
    End,
}
