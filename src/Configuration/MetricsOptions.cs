using System.Globalization;
using StreamJepa.Core.Configuration;

namespace StreamJepa.Configuration;

/// <summary>
/// The HTTP endpoint of <c>run</c>: Prometheus <c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>, and <c>/sources</c> to
/// add and remove sources while it runs.
/// </summary>
public sealed record MetricsOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>host:port to listen on; loopback by default (use 0.0.0.0 or * in a container).</summary>
    public string Listen { get; init; } = "127.0.0.1:9464";

    /// <summary>Serve <c>/sources</c> (GET lists, POST adds, DELETE /sources/ID removes).</summary>
    public bool SourceControl { get; init; } = true;

    /// <summary>
    /// Bearer token that <c>/sources</c> requires (<c>Authorization: Bearer TOKEN</c>); "env:NAME" reads it from the
    /// environment variable NAME. Required when <see cref="Listen"/> is not a loopback address and source control is on.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>Sources that may run at once through <c>POST /sources</c> (429 beyond).</summary>
    public int MaxSources { get; init; } = 256;

    /// <summary>Finished sources (ended, stopped, failed) kept in <c>/sources</c> and <c>/metrics</c>; the earliest finished leave first.</summary>
    public int KeepFinishedSources { get; init; } = 64;

    /// <summary>Seconds a finished source stays in <c>/sources</c> and <c>/metrics</c> (and the summary) before it is forgotten; 0 keeps it until <see cref="KeepFinishedSources"/> pushes it out.</summary>
    public double KeepFinishedSeconds { get; init; } = 3600;

    /// <summary>Host part of <see cref="Listen"/> ("" for every address).</summary>
    public string Host() => Listen[..Listen.LastIndexOf(':')];

    /// <summary>Port part of <see cref="Listen"/>.</summary>
    public int Port() => int.Parse(Listen[(Listen.LastIndexOf(':') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>True when <see cref="Listen"/> names only this machine (127.0.0.0/8, ::1 or localhost).</summary>
    public bool Loopback() =>
        Host().Trim('[', ']') is var host && (host == "localhost" || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip)));

    internal void Validate(string key, ConfigErrors errors)
    {
        var colon = Listen.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(Listen[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            errors.Add($"{key}.listen", Listen, "must be host:port with a port from 1 to 65535, e.g. 127.0.0.1:9464");
            return;
        }

        errors.Range($"{key}.maxSources", MaxSources, 1, 100_000);
        errors.Range($"{key}.keepFinishedSources", KeepFinishedSources, 0, 100_000);
        errors.Range($"{key}.keepFinishedSeconds", KeepFinishedSeconds, 0, 30 * 24 * 3600.0);
        if (Token is { } token)
        {
            if (Secret.Missing(token) is { } variable)
            {
                errors.Add($"{key}.token", token, $"environment variable {variable} is not set");
            }
            else if (Secret.Resolve(token).Length < 16)
            {
                errors.Add($"{key}.token", "***", "must be at least 16 characters");
            }
        }
        else if (Enabled && SourceControl && Token is null && !Loopback())
        {
            errors.Add($"{key}.token", null, $"must be set when {key}.listen ({Listen}) is reachable from other machines and {key}.sourceControl is on: anyone who can reach it could start and stop sources. Set {key}.token (e.g. env:STREAMJEPA_TOKEN), or {key}.sourceControl=false");
        }
    }
}
