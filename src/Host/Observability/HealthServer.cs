using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using StreamJepa.Configuration;
using StreamJepa.Core.Configuration;

namespace StreamJepa.Host.Observability;

/// <summary>
/// The run's HTTP endpoint on Kestrel: <c>/metrics</c> in the Prometheus text format (written by prometheus-net),
/// <c>/healthz</c> (the process and its pipeline work) and <c>/readyz</c> (streams are being scored), each 200 or 503
/// with the reason; and <c>/sources</c> to add and remove sources while the run goes on, behind a bearer token when
/// <c>metrics.token</c> is set; with a <see cref="WebView"/>, the live page and what it reads. Requests are served concurrently; bodies, headers and connections are bounded, and
/// whatever a request does ends in its own response: nothing a client sends can stop the others from being served.
/// </summary>
internal sealed class HealthServer : IAsyncDisposable
{
    /// <summary>Largest request body: a source spec is one short line.</summary>
    public const long MaxBodyBytes = 8 * 1024;

    private readonly WebApplication _app;

    private HealthServer(WebApplication app) => _app = app;

    /// <summary>Starts listening on <c>metrics.listen</c>; null (logged) when the address cannot be taken.</summary>
    public static async Task<HealthServer?> TryStartAsync(MetricsOptions options, CollectorRegistry registry, Func<(bool, string)> health, Func<(bool, string)> readiness, SourceControl? sources, ILogger logger, WebView? view = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            kestrel.Limits.MaxRequestLineSize = 4 * 1024;
            kestrel.Limits.MaxConcurrentConnections = 128;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            foreach (var address in Addresses(options.Host()))
            {
                kestrel.Listen(address, options.Port(), listen => listen.Protocols = HttpProtocols.Http1);
            }
        });

        var app = builder.Build();
        var routes = new Routes(registry, health, readiness, sources, options.Token is { } token ? Secret.Resolve(token) : null, logger, view);
        routes.Map(app);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // Kestrel reports an address taken at bind as an IOException; when another process binds the same port at
            // the same moment, Linux refuses the listen instead, and that comes as a bare SocketException.
            logger.LogWarning("metrics endpoint not started: {Listen} is not available ({Reason}); set metrics.listen to a free address or metrics.enabled=false", options.Listen, ex.Message);
            await app.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        logger.LogInformation("{View}metrics on http://{Listen}/metrics, health on /healthz and /readyz{Sources}", view is null ? string.Empty : $"live view on http://{options.Listen}/, ", options.Listen, sources is null ? string.Empty : options.Token is null ? ", sources on /sources" : ", sources on /sources (bearer token)");
        return new HealthServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static IPAddress[] Addresses(string host) => host switch
    {
        "" or "*" or "0.0.0.0" => [IPAddress.Any],
        "::" or "[::]" => [IPAddress.IPv6Any],
        "localhost" => [IPAddress.Loopback],
        _ when IPAddress.TryParse(host.Trim('[', ']'), out var ip) => [ip],
        _ => [.. Dns.GetHostAddresses(host).Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6).Take(1)],
    };

    /// <summary>The request handlers, each answering every failure with a status of its own.</summary>
    private sealed class Routes(CollectorRegistry registry, Func<(bool Ok, string Reason)> health, Func<(bool Ok, string Reason)> readiness, SourceControl? sources, string? token, ILogger logger, WebView? view)
    {
        public void Map(WebApplication app)
        {
            app.Use(async (context, next) =>
            {
                try
                {
                    await next(context).ConfigureAwait(false);
                }
                catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex)
                {
                    await Json(context, ex.StatusCode, Error(ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? $"the body is larger than {MaxBodyBytes} bytes" : ex.Message)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && !context.Response.HasStarted)
                {
                    logger.LogWarning("{Method} {Path}: {Error}", context.Request.Method, context.Request.Path, ex.Message);
                    await Json(context, StatusCodes.Status500InternalServerError, Error("the request failed; the run goes on")).ConfigureAwait(false);
                }
            });
            app.MapGet("/metrics", async context =>
            {
                context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
            });
            app.MapGet("/healthz", context => Probe(context, health()));
            app.MapGet("/readyz", context => Probe(context, readiness()));
            if (sources is not null)
            {
                app.MapGet("/sources", context => Authorised(context, () => Json(context, StatusCodes.Status200OK, sources.List())));
                app.MapPost("/sources", context => Authorised(context, () => AddAsync(context, sources)));
                app.MapDelete("/sources/{id}", context => Authorised(context, () => RemoveAsync(context, sources)));
            }

            view?.Map(app);
            app.MapFallback(context => Text(context, StatusCodes.Status404NotFound, $"not found: {(view is null ? string.Empty : "/ (the live view), ")}/metrics, /healthz, /readyz{(sources is null ? string.Empty : ", /sources")}\n"));
        }

        private async Task AddAsync(HttpContext context, SourceControl control)
        {
            var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
            var (status, json) = body.Error is { } error ? (StatusCodes.Status400BadRequest, Error(error)) : control.Add(body.Text!);
            logger.LogInformation("POST /sources: {Status}", status);
            await Json(context, status, json).ConfigureAwait(false);
        }

        private async Task RemoveAsync(HttpContext context, SourceControl control)
        {
            var id = (string)context.Request.RouteValues["id"]!;
            var (status, json) = control.Remove(id);
            logger.LogInformation("DELETE /sources/{Id}: {Status}", SourceControl.Printable(id), status);
            await Json(context, status, json).ConfigureAwait(false);
        }

        /// <summary>The body as one line of UTF-8 text, or why it is not a source spec.</summary>
        private static async Task<(string? Text, string? Error)> ReadBodyAsync(HttpRequest request)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
            string text;
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).Trim();
            }
            catch (DecoderFallbackException)
            {
                return (null, "the body is not UTF-8 text");
            }

            return text switch
            {
                "" => (null, "the body is empty: send a source as given to --source, e.g. cam=rtsp://host/1"),
                _ when text.Any(char.IsControl) => (null, "the body must be one line without control characters"),
                _ => (text, null),
            };
        }

        /// <summary>Runs <paramref name="handle"/> when no token is required or the request carries it; 401 otherwise.</summary>
        private Task Authorised(HttpContext context, Func<Task> handle)
        {
            if (token is null)
            {
                return handle();
            }

            var given = context.Request.Headers.Authorization.ToString();
            var expected = $"Bearer {token}";
            if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
            {
                return handle();
            }

            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Json(context, StatusCodes.Status401Unauthorized, Error("/sources needs the header Authorization: Bearer <metrics.token>"));
        }

        private static Task Probe(HttpContext context, (bool Ok, string Reason) probe) =>
            Text(context, probe.Ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, probe.Reason + "\n");

        private static Task Text(HttpContext context, int status, string text)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync(text, context.RequestAborted);
        }

        private static Task Json(HttpContext context, int status, string json)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(json, context.RequestAborted);
        }

        private static string Error(string message) => System.Text.Json.JsonSerializer.Serialize(new { error = message });
    }
}
