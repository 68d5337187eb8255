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
    /// <summary>The target as it may be shown (logs, errors, listings): a URL's password replaced by ***.</summary>
    public string SafeTarget => Redact(Target);

    /// <summary>rtsp://user:secret@host/1 → rtsp://user:***@host/1; anything else unchanged.</summary>
    public static string Redact(string target) =>
        Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':', StringComparison.Ordinal)
            ? target.Replace(uri.UserInfo, uri.UserInfo[..uri.UserInfo.IndexOf(':', StringComparison.Ordinal)] + ":***", StringComparison.Ordinal)
            : target;

    /// <summary>Removes the URL's password from <paramref name="text"/> (e.g. FFmpeg's own messages, which echo the URL).</summary>
    public string Scrub(string text)
    {
        if (Target == SafeTarget)
        {
            return text;
        }

        var info = new Uri(Target).UserInfo;
        var password = info[(info.IndexOf(':', StringComparison.Ordinal) + 1)..];
        return text.Replace(Target, SafeTarget, StringComparison.Ordinal).Replace(password, "***", StringComparison.Ordinal);
    }

    /// <summary>Live sources (URLs, cameras) reconnect when they fail and never make the camera wait.</summary>
    public bool IsLive => Kind is SourceKind.Url or SourceKind.Camera;

    /// <summary>Frames are dropped (oldest first) rather than waited for when downstream is slow.</summary>
    public bool DropsWhenBehind => IsLive || Realtime;
}
