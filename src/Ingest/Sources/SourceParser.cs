using System.Globalization;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Synthetic;

namespace StreamJepa.Ingest.Sources;

/// <summary>
/// Turns configured sources into descriptors, and command-line specs (<c>[id=]uri[#key=value&amp;…]</c>) into
/// <see cref="SourceOptions"/>. A source that cannot be understood throws <see cref="SourceException"/> naming it.
/// </summary>
public static class SourceParser
{
    public static readonly IReadOnlyList<string> UrlSchemes = ["rtsp", "rtsps", "rtmp", "http", "https"];

    /// <summary>Parses <c>[id=]uri[#realtime=true&amp;loop=true&amp;fps=5]</c>, the form <c>--source</c> takes.</summary>
    public static SourceOptions ParseSpec(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        string? id = null;
        var rest = spec.Trim();
        var eq = rest.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0 && rest[..eq].All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            id = rest[..eq];
            rest = rest[(eq + 1)..];
        }

        bool? realtime = null;
        var loop = false;
        double? fps = null;
        var hash = rest.LastIndexOf('#');
        if (hash >= 0)
        {
            foreach (var (key, value) in Pairs(rest[(hash + 1)..]))
            {
                switch (key)
                {
                    case "realtime":
                        realtime = bool.TryParse(value, out var r) ? r
                            : throw new SourceException(id ?? rest, $"option realtime={value}: expected true or false");
                        break;
                    case "loop":
                        loop = bool.TryParse(value, out var l) ? l
                            : throw new SourceException(id ?? rest, $"option loop={value}: expected true or false");
                        break;
                    case "fps":
                        fps = double.TryParse(value, CultureInfo.InvariantCulture, out var f) ? f
                            : throw new SourceException(id ?? rest, $"option fps={value}: expected a number");
                        break;
                    default:
                        throw new SourceException(id ?? rest, $"unknown source option '{key}' (allowed: realtime, loop, fps)");
                }
            }

            rest = rest[..hash];
        }

        return new SourceOptions { Id = id, Uri = rest, Realtime = realtime, Fps = fps, Loop = loop };
    }

    /// <summary>Classifies a configured source. Throws <see cref="SourceException"/> for what cannot be read at all.</summary>
    public static SourceDescriptor Describe(SourceOptions source, bool realtimeByDefault)
    {
        var described = DescribeKind(source, realtimeByDefault);
        return source.Loop && !described.IsLive ? described with { Loop = true } : described;
    }

    private static SourceDescriptor DescribeKind(SourceOptions source, bool realtimeByDefault)
    {
        var uri = source.Uri.Trim();
        var realtime = source.Realtime ?? realtimeByDefault;

        if (uri.Equals("synthetic", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("synthetic:", StringComparison.OrdinalIgnoreCase))
        {
            var parameters = uri.Length > "synthetic".Length ? uri["synthetic:".Length..] : string.Empty;
            var id = source.Id ?? "synthetic";
            var scene = SyntheticSceneOptions.Parse(parameters, message => new SourceException(id, message));
            if (source.Fps is { } sceneFps)
            {
                scene = scene with { Fps = sceneFps };
            }

            return new SourceDescriptor(id, SourceKind.Synthetic, uri, realtime, scene.Fps, scene);
        }

        if (uri.StartsWith("camera:", StringComparison.OrdinalIgnoreCase))
        {
            var index = uri["camera:".Length..];
            if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new SourceException(source.Id ?? uri, $"camera index \"{index}\" is not a number (use camera:0)");
            }

            return new SourceDescriptor(source.Id ?? $"camera{index}", SourceKind.Camera, index, true, source.Fps);
        }

        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0)
        {
            var scheme = uri[..schemeEnd].ToLowerInvariant();
            var id = source.Id ?? UrlName(uri);
            if (scheme == "file")
            {
                return DescribePath(source with { Uri = new Uri(uri).LocalPath }, realtime);
            }

            if (!UrlSchemes.Contains(scheme))
            {
                throw new SourceException(id, $"unsupported URL scheme '{scheme}' in {UrlSecrets.Redact(uri)} (supported: {string.Join(", ", UrlSchemes)})");
            }

            return new SourceDescriptor(id, SourceKind.Url, uri, true, source.Fps);
        }

        return DescribePath(source, realtime);
    }

    private static SourceDescriptor DescribePath(SourceOptions source, bool realtime)
    {
        var uri = source.Uri.Trim();
        if (uri.StartsWith("folder:", StringComparison.OrdinalIgnoreCase))
        {
            var folder = uri["folder:".Length..];
            return new SourceDescriptor(source.Id ?? PathName(folder), SourceKind.ImageFolder, folder, realtime, source.Fps);
        }

        if (Directory.Exists(uri))
        {
            return new SourceDescriptor(source.Id ?? PathName(uri), SourceKind.ImageFolder, uri, realtime, source.Fps);
        }

        return new SourceDescriptor(source.Id ?? Path.GetFileNameWithoutExtension(uri), SourceKind.File, uri, realtime, source.Fps);
    }

    private static string PathName(string path) =>
        Path.GetFileName(Path.TrimEndingDirectorySeparator(path)) is { Length: > 0 } name ? name : path;

    private static string UrlName(string url)
    {
        var withoutQuery = UrlSecrets.WithoutUserInfo(url).Split('?', '#')[0].TrimEnd('/');
        var name = withoutQuery[(withoutQuery.LastIndexOf('/') + 1)..];
        return name.Length > 0 && !name.Contains(':', StringComparison.Ordinal) ? Path.GetFileNameWithoutExtension(name) : withoutQuery;
    }

    internal static IEnumerable<(string Key, string Value)> Pairs(string text) =>
        text.Split(['&', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair =>
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                return eq < 0 ? (pair.ToLowerInvariant(), "true") : (pair[..eq].Trim().ToLowerInvariant(), pair[(eq + 1)..].Trim());
            });
}
