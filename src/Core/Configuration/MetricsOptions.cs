using System.Globalization;

namespace StreamJepa.Core.Configuration;

/// <summary>
/// The HTTP endpoint of <c>run</c>: Prometheus <c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>, and <c>/sources</c> to
/// add and remove sources while it runs.
/// </summary>
public sealed record MetricsOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>host:port to listen on; loopback by default (use 0.0.0.0 or * in a container).</summary>
    public string Listen { get; init; } = "127.0.0.1:9464";

    /// <summary>Serve <c>/sources</c> (GET lists, POST adds, DELETE /sources/ID removes). It has no authentication: keep
    /// <see cref="Listen"/> on loopback or behind a proxy that has, or turn this off.</summary>
    public bool SourceControl { get; init; } = true;

    /// <summary>The prefix HttpListener takes, e.g. http://127.0.0.1:9464/.</summary>
    public string Prefix()
    {
        var colon = Listen.LastIndexOf(':');
        var host = Listen[..colon];
        return string.Create(CultureInfo.InvariantCulture, $"http://{(host is "0.0.0.0" or "" ? "*" : host)}:{Listen[(colon + 1)..]}/");
    }

    internal void Validate(string key, ConfigErrors errors)
    {
        var colon = Listen.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(Listen[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            errors.Add($"{key}.listen", Listen, "must be host:port with a port from 1 to 65535, e.g. 127.0.0.1:9464");
        }
    }
}
