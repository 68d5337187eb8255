using System.Text.Json;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Ingest.Sources;

namespace StreamJepa.Host.Observability;

/// <summary>Adds and removes sources of a running <see cref="IngestPipeline"/> (the <c>/sources</c> routes).</summary>
internal sealed class SourceControl(IngestPipeline ingest, int maxSources = 256)
{
    /// <summary>Longest source spec accepted.</summary>
    public const int MaxSpecLength = 2048;

    /// <summary>Longest stream id accepted.</summary>
    public const int MaxIdLength = 128;

    /// <summary>Every stream as JSON: id, target, status, frames, drops.</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string List() => JsonSerializer.Serialize(ingest.Streams.Select(Describe), Json);

    /// <summary>Starts a source given as on the command line (<c>[id=]uri[#realtime=…]</c>): status and JSON of the stream.</summary>
    public (int Status, string Body) Add(string spec)
    {
        SourceOptions source;
        try
        {
            // Checked before anything is registered: a refused source leaves no trace in the run.
            source = SourceParser.ParseSpec(spec.Trim());
            var described = SourceParser.Describe(source, realtimeByDefault: false);
            if (spec.Length > MaxSpecLength || described.Id.Length is 0 or > MaxIdLength || described.Id.Any(char.IsControl) || source.Uri.Length == 0)
            {
                return (400, JsonSerializer.Serialize(new { error = $"not a source: send [id=]uri as given to --source, at most {MaxSpecLength} characters, naming a stream of 1 to {MaxIdLength} characters" }, Json));
            }
        }
        catch (SourceException ex)
        {
            return (400, JsonSerializer.Serialize(new { error = ex.Message }, Json));
        }

        if (ingest.Streams.Count(s => !s.Finished) >= maxSources)
        {
            return (429, JsonSerializer.Serialize(new { error = $"{maxSources} sources run already (metrics.maxSources); remove one first" }, Json));
        }

        var stats = ingest.Add(source);
        return stats.Status == StreamStatus.Failed
            ? (400, JsonSerializer.Serialize(new { error = stats.LastError, stream = Describe(stats) }, Json))
            : (201, JsonSerializer.Serialize(Describe(stats), Json));
    }

    /// <summary>An id as it may be logged: control characters dropped, at most <see cref="MaxIdLength"/> characters.</summary>
    public static string Printable(string id)
    {
        var clean = new string([.. id.Where(c => !char.IsControl(c))]);
        return clean.Length <= MaxIdLength ? clean : clean[..MaxIdLength] + "…";
    }

    public (int Status, string Body) Remove(string id) =>
        ingest.Remove(id)
            ? (200, JsonSerializer.Serialize(new { removed = id }, Json))
            : (404, JsonSerializer.Serialize(new { error = $"no running source '{Printable(id)}'" }, Json));

    private static object Describe(StreamStats s) => new
    {
        id = s.StreamId,
        target = s.Target,
        status = s.Status.ToString().ToLowerInvariant(),
        frames = s.Frames,
        dropped = s.Dropped,
        damaged = s.Damaged,
        lastError = s.LastError,
    };
}
