using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace StreamJepa.Host.Observability;

/// <summary>
/// The run's HTTP endpoint (HttpListener): <c>/metrics</c> in the Prometheus text format (written by prometheus-net),
/// <c>/healthz</c> (the process and its pipeline work) and <c>/readyz</c> (streams are being scored), each 200 or
/// 503 with the reason; and <c>/sources</c> to add and remove sources while the run goes on.
/// </summary>
internal sealed class HealthServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CollectorRegistry _registry;
    private readonly Func<(bool Ok, string Reason)> _health;
    private readonly Func<(bool Ok, string Reason)> _readiness;
    private readonly ILogger _logger;
    private readonly SourceControl? _sources;
    private readonly Task _serving;

    private HealthServer(string prefix, CollectorRegistry registry, Func<(bool, string)> health, Func<(bool, string)> readiness, SourceControl? sources, ILogger logger)
    {
        _sources = sources;
        _registry = registry;
        _health = health;
        _readiness = readiness;
        _logger = logger;
        _listener.Prefixes.Add(prefix);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>Starts listening on <paramref name="prefix"/>; null (logged) when the address cannot be taken.</summary>
    public static HealthServer? TryStart(string prefix, CollectorRegistry registry, Func<(bool, string)> health, Func<(bool, string)> readiness, SourceControl? sources, ILogger logger)
    {
        try
        {
            var server = new HealthServer(prefix, registry, health, readiness, sources, logger);
            logger.LogInformation("metrics on {Prefix}metrics, health on {Prefix}healthz and {Prefix}readyz", prefix, prefix, prefix);
            return server;
        }
        catch (HttpListenerException ex)
        {
            logger.LogWarning("metrics endpoint not started: {Prefix} is not available ({Reason}); set metrics.listen to a free address or metrics.enabled=false", prefix, ex.Message);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving.ConfigureAwait(false);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await RespondAsync(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException)
            {
                _logger.LogDebug("metrics endpoint: {Path}: {Reason}", context.Request.Url?.AbsolutePath, ex.Message);
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        var response = context.Response;
        var path = context.Request.Url?.AbsolutePath ?? "/";
        if (_sources is not null && (path == "/sources" || path.StartsWith("/sources/", StringComparison.Ordinal)))
        {
            await SourcesAsync(context.Request, response, path).ConfigureAwait(false);
            return;
        }

        switch (path)
        {
            case "/metrics":
                response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await _registry.CollectAndExportAsTextAsync(response.OutputStream).ConfigureAwait(false);
                break;
            case "/healthz":
                await ProbeAsync(response, _health()).ConfigureAwait(false);
                break;
            case "/readyz":
                await ProbeAsync(response, _readiness()).ConfigureAwait(false);
                break;
            default:
                response.StatusCode = 404;
                await WriteAsync(response, "not found: /metrics, /healthz, /readyz, /sources\n").ConfigureAwait(false);
                break;
        }
    }

    private async Task SourcesAsync(HttpListenerRequest request, HttpListenerResponse response, string path)
    {
        var id = path.Length > "/sources/".Length ? Uri.UnescapeDataString(path["/sources/".Length..]) : null;
        (int Status, string Body) result;
        switch (request.HttpMethod)
        {
            case "GET" when id is null:
                result = (200, _sources!.List());
                break;
            case "POST" when id is null:
                using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
                {
                    result = _sources!.Add(await reader.ReadToEndAsync().ConfigureAwait(false));
                }

                _logger.LogInformation("POST /sources: {Status}", result.Status);
                break;
            case "DELETE" when id is not null:
                result = _sources!.Remove(id);
                _logger.LogInformation("DELETE /sources/{Id}: {Status}", id, result.Status);
                break;
            default:
                result = (405, """{"error":"GET /sources, POST /sources (body: a source as given to --source), DELETE /sources/ID"}""");
                break;
        }

        response.StatusCode = result.Status;
        response.ContentType = "application/json";
        await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(result.Body)).ConfigureAwait(false);
    }

    private static Task ProbeAsync(HttpListenerResponse response, (bool Ok, string Reason) probe)
    {
        response.StatusCode = probe.Ok ? 200 : 503;
        return WriteAsync(response, probe.Reason + "\n");
    }

    private static async Task WriteAsync(HttpListenerResponse response, string text)
    {
        response.ContentType = "text/plain; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(text);
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }
}
