namespace StreamJepa.Ingest.Synthetic;

/// <summary>What goes wrong in a scheduled anomaly of a synthetic scene.</summary>
public enum SceneAnomalyKind
{
    /// <summary>An object that does not belong appears from nowhere in the middle of the scene.</summary>
    Appear,

    /// <summary>One object moves several times faster than it should.</summary>
    WrongSpeed,

    /// <summary>One object moves backwards along its lane.</summary>
    WrongDirection,

    /// <summary>The whole picture stops changing (a stuck camera or encoder).</summary>
    Freeze,

    /// <summary>The whole picture brightens sharply (a flash or a lamp).</summary>
    Flash,
}
