using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StreamJepa.Ingest.Pipeline;

namespace StreamJepa.Host.Observability;

/// <summary>
/// The live web view, on the run's HTTP endpoint: the page (<c>/</c>, its script and style, all served from this
/// assembly, nothing from elsewhere), the run's state (<c>/api/state</c>) and its updates as server-sent events
/// (<c>/api/events</c>), each stream's latest kept picture (<c>/api/frames/ID</c>) and the episodes' evidence files
/// (<c>/evidence/…</c>). Every route only reads: sources are added and removed through <c>/sources</c> alone.
/// </summary>
/// <param name="state">The state the page shows.</param>
/// <param name="streams">The run's streams, for their kept pictures.</param>
/// <param name="evidenceRoot">The evidence directory, or null when none is kept.</param>
internal sealed class WebView(LiveState state, StreamDirectory streams, string? evidenceRoot)
{
    /// <summary>Pages following the events at once; more are told to come back later.</summary>
    public const int MaxWatchers = 32;

    private static readonly Dictionary<string, string> Assets = new(StringComparer.Ordinal)
    {
        ["/"] = "index.html",
        ["/app.js"] = "app.js",
        ["/app.css"] = "app.css",
    };

    private static readonly Dictionary<string, string> EvidenceTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".jpg"] = "image/jpeg",
        [".mp4"] = "video/mp4",
        [".avi"] = "video/x-msvideo",
    };

    private int _watchers;

    public void Map(WebApplication app)
    {
        foreach (var (path, name) in Assets)
        {
            app.MapGet(path, context => Asset(context, name));
        }

        app.MapGet("/api/state", context => Send(context, "application/json", state.Current.Json));
        app.MapGet("/api/events", Events);
        app.MapGet("/api/frames/{id}", Picture);
        app.MapGet("/evidence/{**path}", (HttpContext context, string path) => Evidence(context, path));
    }

    private static async Task Asset(HttpContext context, string name)
    {
        await using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"web/{name}")
            ?? throw new InvalidOperationException($"the web view's {name} is missing from the assembly");
        context.Response.ContentType = Path.GetExtension(name) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            _ => "text/css; charset=utf-8",
        };
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self'; media-src 'self'; connect-src 'self'; style-src 'self'; script-src 'self'";
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static Task Send(HttpContext context, string type, string body)
    {
        context.Response.ContentType = type;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(body, context.RequestAborted);
    }

    private async Task Events(HttpContext context)
    {
        if (Interlocked.Increment(ref _watchers) > MaxWatchers)
        {
            Interlocked.Decrement(ref _watchers);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "10";
            await context.Response.WriteAsync($"{MaxWatchers} pages are watching already\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        try
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-store";
            var version = 0L;
            while (!context.RequestAborted.IsCancellationRequested)
            {
                (version, var json) = await state.NextAsync(version, context.RequestAborted).ConfigureAwait(false);
                await context.Response.WriteAsync($"data: {json}\n\n", context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The page went away, or the run is stopping.
        }
        finally
        {
            Interlocked.Decrement(ref _watchers);
        }
    }

    private Task Picture(HttpContext context)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        if (streams.Find(id)?.Evidence?.Latest() is not { } frame)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Send(context, "text/plain; charset=utf-8", "no picture kept for this stream (evidence.directory is not set, or it has none yet)\n");
        }

        context.Response.ContentType = "image/jpeg";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.Body.WriteAsync(frame.Jpeg, context.RequestAborted).AsTask();
    }

    /// <summary>A file under the evidence directory of a kind the writer makes; anything else, or anything outside it, is 404.</summary>
    private IResult Evidence(HttpContext context, string path)
    {
        if (evidenceRoot is null || !EvidenceTypes.TryGetValue(Path.GetExtension(path), out var type))
        {
            return Results.NotFound();
        }

        var full = Path.GetFullPath(Path.Combine(evidenceRoot, path));
        if (!full.StartsWith(evidenceRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
        {
            return Results.NotFound();
        }

        context.Response.Headers.CacheControl = "private, max-age=3600";
        return Results.File(full, type, enableRangeProcessing: true);
    }
}
