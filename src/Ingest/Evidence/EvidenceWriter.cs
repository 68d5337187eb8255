using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using StreamJepa.Core.Results;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Pipeline;

namespace StreamJepa.Ingest.Evidence;

/// <summary>
/// The sink that keeps evidence for every episode of a stream with source pictures: from the episode's opening it
/// collects the stream's kept frames (from the pre-roll before its start), and once the episode has closed and its
/// post-roll has been scored, hands them to a writer task that writes the snapshot, the annotated snapshot and the
/// clip (<see cref="EvidenceFiles"/>), then applies the retention. Scoring never waits for it: the queue to the
/// writer is bounded and what does not fit is dropped and counted; a file that cannot be written is logged and
/// counted, and the next episode is tried as usual.
/// </summary>
public sealed class EvidenceWriter : IResultSink
{
    private const int FramesPerClipFrame = 4;
    private static readonly TimeSpan RetentionEvery = TimeSpan.FromSeconds(30);

    private readonly EvidenceOptions _options;
    private readonly StreamDirectory _streams;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _root;
    private readonly ClipFormat _format;
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Channel<(EpisodeEvidence Files, AnomalyEpisode Episode, IReadOnlyList<EvidenceFrame> Frames, IReadOnlyList<EvidenceFrame> Clip)> _queue;
    private readonly Task _writer;
    private readonly int _maxClipFrames;
    private long _written;
    private long _dropped;
    private long _failed;
    private DateTimeOffset _retainedAt = DateTimeOffset.MinValue;

    /// <param name="options">The evidence section; its directory is created when missing.</param>
    /// <param name="streams">The run's streams, whose rings hold the kept frames.</param>
    /// <param name="time">Clock for the retention.</param>
    /// <param name="logger">Where failures are reported.</param>
    /// <exception cref="IOException">The evidence directory cannot be created or written (the message names it).</exception>
    public EvidenceWriter(EvidenceOptions options, StreamDirectory streams, TimeProvider time, ILogger logger)
    {
        _options = options;
        _streams = streams;
        _time = time;
        _logger = logger;
        _root = Path.GetFullPath(options.Directory ?? throw new ArgumentException("evidence.directory is not set", nameof(options)));
        try
        {
            Directory.CreateDirectory(_root);
            var probe = Path.Combine(_root, $".writable-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"evidence.directory {_root} cannot be written: {ex.Message}", ex);
        }

        _format = ClipFormat.Probe();
        // Frames an episode collects: while it is open every decoded frame is kept (the exact peak for the snapshot),
        // so room for several per clip frame; beyond it, frames go from the middle.
        _maxClipFrames = Math.Max(2, (int)(options.MaxClipSeconds * options.Fps)) * FramesPerClipFrame;
        _queue = Channel.CreateBounded<(EpisodeEvidence, AnomalyEpisode, IReadOnlyList<EvidenceFrame>, IReadOnlyList<EvidenceFrame>)>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, SingleWriter = true });
        _writer = Task.Run(WriteQueuedAsync);
    }

    /// <summary>The evidence directory, absolute.</summary>
    public string Root => _root;

    /// <summary>How clips are encoded here.</summary>
    public ClipFormat Format => _format;

    /// <summary>Episodes whose evidence was written.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Episodes whose evidence was dropped because the writer was behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Episodes whose evidence could not be written (disk full, folder gone, encoder failure).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public bool WantsEmbeddings => false;

    /// <summary>
    /// The files of <paramref name="episode"/>, relative to the evidence directory: <c>STREAM/ID/snapshot.jpg</c>,
    /// <c>annotated.jpg</c> and the clip; null for a stream that keeps no pictures (one read from Kafka).
    /// </summary>
    public EpisodeEvidence? FilesOf(AnomalyEpisode episode)
    {
        if (_streams.Find(episode.Stream)?.Evidence is null)
        {
            return null;
        }

        var folder = $"{SafeName(episode.Stream)}/{SafeName(episode.Id)}";
        return new EpisodeEvidence($"{folder}/snapshot.jpg", $"{folder}/annotated.jpg", $"{folder}/clip{_format.Extension}");
    }

    public void OnEpisode(AnomalyEpisode episode)
    {
        if (episode.Evidence is not { } files)
        {
            return;
        }

        if (!_pending.TryGetValue(episode.Id, out var pending))
        {
            if (_streams.Find(episode.Stream)?.Evidence is not { } ring)
            {
                return;
            }

            pending = new Pending(ring, files, episode.StartPtsMs - (_options.PreRollSeconds * 1000));
            _pending.Add(episode.Id, pending);
            ring.OpenEpisodes++;
        }

        pending.Latest = episode;
        pending.Collect(_maxClipFrames);
        if (episode.State == "closed" && pending.DueAtPtsMs is null)
        {
            pending.Ring.OpenEpisodes--;
            // A damaged file may stamp its last frames before its first: the clip runs at least to the start.
            pending.DueAtPtsMs = Math.Max(episode.EndPtsMs ?? episode.StartPtsMs, episode.StartPtsMs) + (_options.PostRollSeconds * 1000);
        }
    }

    public void OnScore(FrameScore score)
    {
        List<string>? due = null;
        foreach (var (id, pending) in _pending)
        {
            if (pending.Latest.Stream != score.Stream)
            {
                continue;
            }

            pending.Collect(_maxClipFrames);
            if (pending.DueAtPtsMs is { } at && score.PtsMs >= at)
            {
                (due ??= []).Add(id);
            }
        }

        foreach (var id in due ?? [])
        {
            Hand(id);
        }
    }

    public void OnGap(FrameGap gap)
    {
    }

    public void OnEmbedding(Embedding embedding)
    {
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Hands every episode still collecting to the writer (a run that ends cuts their post-roll short) and waits for
    /// the writer to finish; call it once the last results have arrived.
    /// </summary>
    public async Task CompleteAsync()
    {
        foreach (var id in _pending.Keys.ToList())
        {
            Hand(id);
        }

        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await CompleteAsync().ConfigureAwait(false);

    /// <summary>Episodes' evidence under <paramref name="root"/> folders deep: STREAM/ID.</summary>
    internal static IEnumerable<DirectoryInfo> EpisodeFolders(string root) =>
        new DirectoryInfo(root).EnumerateDirectories().SelectMany(stream => stream.EnumerateDirectories());

    private static string SafeName(string name) =>
        string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')).TrimStart('.') is { Length: > 0 } safe ? safe : "_";

    private void Hand(string id)
    {
        var pending = _pending[id];
        _pending.Remove(id);
        pending.Collect(_maxClipFrames);
        if (pending.DueAtPtsMs is null)
        {
            pending.Ring.OpenEpisodes--;    // cut short by the end of the run
        }

        var frames = pending.DueAtPtsMs is { } until ? [.. pending.Frames.Where(f => f.PtsMs <= until)] : pending.Frames;
        if (frames.Count == 0)
        {
            _logger.LogWarning("evidence for episode {Id} of stream '{Stream}': no source picture was kept for it", id, pending.Latest.Stream);
            Interlocked.Increment(ref _failed);
            return;
        }

        if (!_queue.Writer.TryWrite((pending.Files, pending.Latest, frames, pending.Ring.EvenlySpaced(frames))))
        {
            Interlocked.Increment(ref _dropped);
            _logger.LogWarning("evidence for episode {Id} of stream '{Stream}' dropped: {Capacity} episodes are waiting to be written (evidence.queueCapacity)", id, pending.Latest.Stream, _options.QueueCapacity);
        }
    }

    private async Task WriteQueuedAsync()
    {
        Retain();
        await foreach (var (files, episode, frames, clip) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                EvidenceFiles.Write(_root, files, episode, frames, clip, _format, _options.Fps, _options.JpegQuality);
                Interlocked.Increment(ref _written);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OpenCvSharp.OpenCVException or InvalidOperationException)
            {
                Interlocked.Increment(ref _failed);
                _logger.LogError("evidence for episode {Id} of stream '{Stream}' not written under {Root}: {Message}", episode.Id, episode.Stream, _root, ex.Message);
            }

            if (_time.GetUtcNow() - _retainedAt >= RetentionEvery)
            {
                Retain();
            }
        }
    }

    /// <summary>Deletes the episodes' evidence older than <c>retentionDays</c>, then the oldest while the whole is above <c>maxTotalMegabytes</c>.</summary>
    private void Retain()
    {
        _retainedAt = _time.GetUtcNow();
        try
        {
            var episodes = EpisodeFolders(_root)
                .Select(d => (Folder: d, Bytes: d.EnumerateFiles().Sum(f => f.Length), d.LastWriteTimeUtc))
                .OrderBy(e => e.LastWriteTimeUtc)
                .ToList();
            var total = episodes.Sum(e => e.Bytes);
            var oldest = _options.RetentionDays > 0 ? _retainedAt.UtcDateTime.AddDays(-_options.RetentionDays) : DateTime.MinValue;
            var limit = _options.MaxTotalMegabytes > 0 ? (long)(_options.MaxTotalMegabytes * 1024 * 1024) : long.MaxValue;
            foreach (var (folder, bytes, written) in episodes)
            {
                if (written >= oldest && total <= limit)
                {
                    break;
                }

                folder.Delete(recursive: true);
                total -= bytes;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("evidence retention under {Root}: {Message}", _root, ex.Message);
        }
    }

    /// <summary>An episode collecting its frames.</summary>
    private sealed class Pending(FrameRing ring, EpisodeEvidence files, double fromPtsMs)
    {
        private long _last = long.MinValue;

        public FrameRing Ring { get; } = ring;

        public EpisodeEvidence Files { get; } = files;

        public List<EvidenceFrame> Frames { get; } = [];

        public AnomalyEpisode Latest { get; set; } = null!;

        /// <summary>Presentation time up to which the clip runs (end plus post-roll), once the episode has closed.</summary>
        public double? DueAtPtsMs { get; set; }

        /// <summary>Takes the ring's frames not yet taken; beyond <paramref name="max"/> frames, drops from the middle so the clip keeps its start and its latest frames.</summary>
        public void Collect(int max)
        {
            foreach (var frame in Ring.Since(_last, fromPtsMs))
            {
                Frames.Add(frame);
                _last = frame.Sequence;
                if (Frames.Count > max)
                {
                    Frames.RemoveAt(max / 2);
                }
            }
        }
    }
}
