using System.Text.Json;
using StreamJepa.Core.Configuration;
using StreamJepa.Ingest.Synthetic;

namespace StreamJepa.Evaluation;

/// <summary>
/// What <c>streamjepa eval</c> measures (docs/eval.md): the normal video to train on (source specs, as for
/// <c>--source</c>) and the labelled test videos, each with its anomalous frame ranges (end exclusive) given inline
/// or as the <c>NAME.truth.json</c> that <c>streamjepa generate</c> writes. Paths are relative to the manifest.
/// </summary>
public sealed record EvalManifest(IReadOnlyList<string> Train, IReadOnlyList<EvalVideo> Videos)
{
    private static readonly JsonSerializerOptions Json = new(ConfigDocument.JsonOptions);

    public static EvalManifest Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigException($"Evaluation manifest not found: {path}");
        }

        EvalManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<EvalManifest>(File.ReadAllText(path), Json)
                ?? throw new ConfigException($"{path} holds no manifest");
        }
        catch (JsonException ex)
        {
            throw new ConfigException($"{path} is not a valid evaluation manifest: {ex.Message}", ex);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var errors = new ConfigErrors();
        if (manifest.Videos.Count == 0)
        {
            errors.Add("videos", null, "the manifest lists no test video");
        }

        var videos = new List<EvalVideo>();
        for (var i = 0; i < manifest.Videos.Count; i++)
        {
            var video = manifest.Videos[i] with { Path = System.IO.Path.Combine(directory, manifest.Videos[i].Path) };
            if (!File.Exists(video.Path))
            {
                errors.Add($"videos[{i}].path", manifest.Videos[i].Path, "file not found");
            }

            if (video.Truth is { } truth)
            {
                var truthPath = System.IO.Path.Combine(directory, truth);
                if (!File.Exists(truthPath))
                {
                    errors.Add($"videos[{i}].truth", truth, "file not found");
                    continue;
                }

                video = video with { Anomalies = [.. SceneTruth.Load(truthPath).Anomalies.Select(a => new FrameRange(a.StartFrame, a.EndFrame, a.Kind.ToString()))] };
            }

            if (video.Anomalies.Any(a => a.Start < 0 || a.End <= a.Start))
            {
                errors.Add($"videos[{i}].anomalies", null, "every range needs 0 <= start < end (end exclusive)");
            }

            videos.Add(video);
        }

        errors.ThrowIfAny();
        var train = manifest.Train.Select(t => File.Exists(System.IO.Path.Combine(directory, t)) ? System.IO.Path.Combine(directory, t) : t).ToList();
        return new EvalManifest(train, videos);
    }
}

/// <summary>A labelled test video.</summary>
/// <param name="Id">Name in the report (and stream id).</param>
/// <param name="Path">The video file.</param>
/// <param name="Anomalies">Anomalous frame ranges, end exclusive.</param>
/// <param name="Truth">Or: a NAME.truth.json from <c>streamjepa generate</c>.</param>
public sealed record EvalVideo(string Id, string Path, IReadOnlyList<FrameRange> Anomalies, string? Truth = null)
{
    public IReadOnlyList<FrameRange> Anomalies { get; init; } = Anomalies ?? [];
}
