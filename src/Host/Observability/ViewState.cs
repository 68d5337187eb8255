using StreamJepa.Core.Results;
using StreamJepa.Host.Running;
using StreamJepa.Inference.Pipeline;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Training.Online;

namespace StreamJepa.Host.Observability;

/// <summary>What the web view shows of a run at one moment.</summary>
/// <param name="Time">When it was taken (UTC).</param>
/// <param name="Headline">The summary's headline: model version, episodes, latency, how busy the stages are.</param>
/// <param name="ModelVersion">The version of the weights being served.</param>
/// <param name="CheckpointSha256">SHA-256 of the checkpoint the run loaded, or null.</param>
/// <param name="Learning">The online learner's state line, or null when it is off.</param>
/// <param name="Streams">Every stream, by id.</param>
/// <param name="Episodes">The last episodes, the most recently opened first, as last published.</param>
internal sealed record ViewState(
    DateTimeOffset Time, string Headline, long ModelVersion, string? CheckpointSha256, string? Learning,
    IReadOnlyList<ViewStream> Streams, IReadOnlyList<AnomalyEpisode> Episodes)
{
    /// <summary>Takes the state from the run's parts; <paramref name="summary"/> must be the view's own (it measures frames/s between takes).</summary>
    public static ViewState Take(
        StreamSummary summary, StreamDirectory streams, InferencePipeline inference, Func<OnlineTrainerStats?> learning, RecentEpisodes episodes, string? checkpointSha256, TimeProvider time)
    {
        var snapshot = summary.Take(streams.Streams, inference, learning(), publishing: null, final: false);
        var rows = snapshot.Streams.Select(row =>
        {
            var stream = streams.Find(row.Stream);
            var latest = inference.Latest.GetValueOrDefault(row.Stream);
            return new ViewStream(
                row.Stream, stream?.Target, row.Status, row.Frames, Math.Round(row.Fps, 1), row.Dropped, row.Score, row.Surprises,
                row.Anomaly, latest?.WarmingUp == true, stream?.Evidence?.Latest()?.Sequence);
        });
        return new ViewState(time.GetUtcNow(), snapshot.Headline, inference.ModelVersion, checkpointSha256, snapshot.Learning, [.. rows], episodes.Snapshot());
    }
}

/// <summary>One stream in the web view.</summary>
/// <param name="Id">Stream id.</param>
/// <param name="Source">Its source with credentials redacted, or null once forgotten.</param>
/// <param name="Status">running, warming up, frozen, reconnecting, ended, stopped or failed.</param>
/// <param name="Frames">Frames decoded.</param>
/// <param name="Fps">Frames/s since the previous take.</param>
/// <param name="Dropped">Frames dropped because the pipeline was behind.</param>
/// <param name="Score">The latest combined surprise.</param>
/// <param name="Surprises">The latest surprise per level (level 1 first).</param>
/// <param name="Anomaly">Whether an episode is open.</param>
/// <param name="WarmingUp">Whether the stream is still measuring its baseline (it cannot alert yet).</param>
/// <param name="PictureFrame">Frame index of the latest kept picture (<c>/api/frames/ID</c>), or null when the stream keeps none.</param>
internal sealed record ViewStream(
    string Id, string? Source, string Status, long Frames, double Fps, long Dropped, double? Score, IReadOnlyList<double?> Surprises,
    bool Anomaly, bool WarmingUp, long? PictureFrame);
