using StreamJepa.Ingest.Synthetic;

namespace StreamJepa.Ingest.Sources;

/// <summary>A source, parsed: its stable id, what kind it is and where it reads from.</summary>
/// <param name="Id">Stable stream id.</param>
/// <param name="Kind">File, URL, camera, image folder or synthetic scene.</param>
/// <param name="Target">Path, URL or camera index as text.</param>
/// <param name="Realtime">Paced at the native frame rate with drop-oldest (always true for live sources).</param>
/// <param name="Fps">Frame rate for folders (and when a container reports none).</param>
/// <param name="Scene">Parameters of a synthetic scene.</param>
public sealed record SourceDescriptor(
    string Id,
    SourceKind Kind,
    string Target,
    bool Realtime,
    double? Fps,
    SyntheticSceneOptions? Scene = null)
{
    /// <summary>Read again from the start each time it ends (files, folders, synthetic scenes; <see cref="Configuration.SourceOptions.Loop"/>).</summary>
    public bool Loop { get; init; }

    /// <summary>The target as it may be shown (logs, errors, listings): its secrets replaced by *** (<see cref="UrlSecrets"/>).</summary>
    public string SafeTarget => UrlSecrets.Redact(Target);

    /// <summary>The target with its secrets replaced by ***; anything without one unchanged.</summary>
    public static string Redact(string target) => UrlSecrets.Redact(target);

    /// <summary>Removes the target's secrets from <paramref name="text"/> (e.g. FFmpeg's own messages, which echo the URL).</summary>
    public string Scrub(string text) => UrlSecrets.Scrub(Target, text);

    /// <summary>Live sources (URLs, cameras) reconnect when they fail and never make the camera wait.</summary>
    public bool IsLive => Kind is SourceKind.Url or SourceKind.Camera;

    /// <summary>Frames are dropped (oldest first) rather than waited for when downstream is slow.</summary>
    public bool DropsWhenBehind => IsLive || Realtime;
}
