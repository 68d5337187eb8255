namespace StreamJepa.Training.Online;

/// <summary>Which older segments the online replay keeps once its reservoir is full.</summary>
public enum ReplayKeep
{
    /// <summary>The least redundant: the new segment joins and the one nearest to another is dropped (MinRed).</summary>
    Diverse,

    /// <summary>A uniform sample of every segment seen (reservoir sampling).</summary>
    Uniform,
}
