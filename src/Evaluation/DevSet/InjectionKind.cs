namespace StreamJepa.Evaluation.DevSet;

/// <summary>What an injected anomaly does to a real clip (docs/eval.md, "Development set").</summary>
public enum InjectionKind
{
    /// <summary>Time runs backwards: everyone walks the wrong way, with no jump in the picture.</summary>
    WrongDirection,

    /// <summary>Time runs several times too fast: everything moves at the wrong speed.</summary>
    WrongSpeed,

    /// <summary>Time stops: the last frame repeats (a frozen camera or encoder).</summary>
    StoppedTime,

    /// <summary>An object that does not belong slides across the scene.</summary>
    Intruder,

    /// <summary>Gross appearance change: the light drops to less than half.</summary>
    LightsDown,

    /// <summary>A small object (3% of the frame width) crossing the whole picture fast: under one model token.</summary>
    SmallObject,

    /// <summary>Camera tampering: the view is knocked 6% right and down (edges replicated), then put back.</summary>
    CameraShift,

    /// <summary>Camera tampering: the lens is defocused (Gaussian blur).</summary>
    Defocus,

    /// <summary>The picture is mirrored left to right (a camera re-mounted, a flip setting changed): nothing moves oddly, the layout is wrong.</summary>
    Mirrored,

    /// <summary>Camera tampering: a dark shape covers the lower left quarter of the lens.</summary>
    Occlusion,

    /// <summary>Appearance change: the white balance goes wrong (blue up, red down), brightness about the same.</summary>
    ColourCast,

    /// <summary>A small object (5% of the frame width) drifting slowly, about a third of the way across the picture.</summary>
    SlowObject,

    /// <summary>A bag put down on the path that stays to the end of the clip; the frames from its appearance on are labelled for <c>length</c> frames.</summary>
    AbandonedObject,
}
