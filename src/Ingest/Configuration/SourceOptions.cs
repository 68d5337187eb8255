using StreamJepa.Core.Configuration;

namespace StreamJepa.Ingest.Configuration;

/// <summary>One stream to read.</summary>
public sealed record SourceOptions
{
    /// <summary>Stable stream id; defaults to the file, folder or URL name.</summary>
    public string? Id { get; init; }

    /// <summary>
    /// What to read: a video file path, <c>rtsp://</c>/<c>http(s)://</c> URL, <c>camera:N</c>, a folder of images
    /// (<c>folder:PATH</c> or an existing directory), or <c>synthetic[:key=value&amp;…]</c>.
    /// </summary>
    public required string Uri { get; init; }

    /// <summary>Pace a file at its native frame rate and drop the oldest frames when downstream is slow.</summary>
    public bool? Realtime { get; init; }

    /// <summary>
    /// Read a file, folder or synthetic scene again from its start each time it ends, as one endless stream (frame
    /// numbers and presentation times go on); for replaying recorded video as a live camera. Each restart is a cut in
    /// the picture, which a model may find surprising.
    /// </summary>
    public bool Loop { get; init; }

    /// <summary>Frame rate of an image folder (and the override for a container that reports none).</summary>
    public double? Fps { get; init; }

    public void Validate(string key, ConfigErrors errors)
    {
        if (string.IsNullOrWhiteSpace(Uri))
        {
            errors.Add($"{key}.uri", Uri, "must name a file, folder, URL, camera or synthetic scene");
        }

        if (Id is not null && (Id.Length == 0 || Id.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
        {
            errors.Add($"{key}.id", Id, "must be non-empty, without spaces or control characters");
        }

        if (Fps is { } fps)
        {
            errors.Range($"{key}.fps", fps, 0.1, 1000);
        }
    }
}
