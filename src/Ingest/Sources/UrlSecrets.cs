using System.Text.RegularExpressions;

namespace StreamJepa.Ingest.Sources;

/// <summary>
/// Finds and hides the secrets a source URL can carry: the password of its user info (or the whole user info when it
/// has no colon: a bare token), and the values of query parameters named like credentials. The user info is what
/// precedes the last '@' of the authority, so a password holding '@' is hidden whole.
/// </summary>
public static partial class UrlSecrets
{
    private const string Hidden = "***";

    /// <summary>
    /// rtsp://user:p@ss@host/1 → rtsp://user:***@host/1; https://TOKEN@host/ → https://***@host/;
    /// http://host/a?password=x&amp;q=1 → http://host/a?password=***&amp;q=1; anything else unchanged.
    /// </summary>
    public static string Redact(string target)
    {
        var shown = target;
        if (UserInfo(target) is var (start, length) && length > 0)
        {
            var info = target.Substring(start, length);
            var colon = info.IndexOf(':', StringComparison.Ordinal);
            shown = string.Concat(target.AsSpan(0, start), colon >= 0 ? $"{info[..colon]}:{Hidden}" : Hidden, target.AsSpan(start + length));
        }

        return SecretParameter().Replace(shown, match => match.Groups["name"].Value + Hidden);
    }

    /// <summary>Every secret of <paramref name="target"/> hidden in <paramref name="text"/> (e.g. FFmpeg's messages, which echo the URL, decoded or not).</summary>
    public static string Scrub(string target, string text)
    {
        var scrubbed = text.Replace(target, Redact(target), StringComparison.Ordinal);
        foreach (var secret in Secrets(target).OrderByDescending(s => s.Length))
        {
            scrubbed = scrubbed.Replace(secret, Hidden, StringComparison.Ordinal);
        }

        return scrubbed;
    }

    /// <summary>The URL without its user info: rtsp://user:pass@cam/1 → rtsp://cam/1 (for names made from a URL).</summary>
    public static string WithoutUserInfo(string target) =>
        UserInfo(target) is var (start, length) ? target.Remove(start, length + 1) : target;

    /// <summary>True when <paramref name="target"/> carries a secret (a password, a token or a credential parameter).</summary>
    public static bool HasSecret(string target) => Secrets(target).Count > 0;

    /// <summary>The secret strings of a URL, as written and percent-decoded.</summary>
    private static List<string> Secrets(string target)
    {
        var found = new List<string>();
        if (UserInfo(target) is var (start, length) && length > 0)
        {
            var info = target.Substring(start, length);
            var colon = info.IndexOf(':', StringComparison.Ordinal);
            found.Add(colon >= 0 ? info[(colon + 1)..] : info);
        }

        found.AddRange(SecretParameter().Matches(target).Select(m => m.Groups["value"].Value));
        return [.. found.Where(s => s.Length > 0).SelectMany(s => new[] { s, Uri.UnescapeDataString(s) }).Distinct()];
    }

    /// <summary>Start and length of the user info (before the authority's last '@'), or null without one.</summary>
    private static (int Start, int Length)? UserInfo(string target)
    {
        var scheme = target.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return null;
        }

        var start = scheme + 3;
        var end = target.IndexOfAny(['/', '?', '#'], start);
        end = end < 0 ? target.Length : end;
        var at = target.LastIndexOf('@', end - 1, end - start);
        return at < 0 ? null : (start, at - start);
    }

    [GeneratedRegex(@"(?<name>[?&;](?:password|passwd|pwd|pass|token|access_token|auth|authorization|key|apikey|api_key|secret|signature|sig|credential|credentials)=)(?<value>[^&;#]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretParameter();
}
