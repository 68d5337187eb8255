using System.Collections.Concurrent;
using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Logging;
using StreamJepa.Core.Frames;
using StreamJepa.Core.Results;
using StreamJepa.Core.Threading;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Evidence;
using StreamJepa.Ingest.Sources;

namespace StreamJepa.Ingest.Pipeline;

/// <summary>
/// Runs many sources at once, each on its own thread, all feeding one bounded Dataflow target.
/// Files replay under backpressure (no frame lost); live and real-time sources drop their oldest frames.
/// A source that fails is reported on its <see cref="StreamStats"/>; the others keep running.
/// </summary>
public sealed class IngestPipeline : IDisposable
{
    private readonly IngestOptions _options;
    private readonly ITargetBlock<Frame> _target;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly StreamDirectory _directory;
    private readonly List<Task> _readers = [];
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _sourceStops = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Action<FrameGap>? _onGap;
    private readonly IReadOnlyList<ISourceScheme> _schemes;

    /// <param name="options">Ingest settings.</param>
    /// <param name="target">The shared, bounded downstream block every stream feeds.</param>
    /// <param name="time">Clock for pacing, timestamps and reconnect delays.</param>
    /// <param name="loggers">Logging.</param>
    /// <param name="onGap">Told (on reader threads) of every frame that is dropped or undecodable, so it keeps its place downstream.</param>
    /// <param name="schemes">Source kinds read by other projects, chosen by URI scheme (e.g. the Kafka frames topic).</param>
    /// <param name="directory">Where the streams are registered (one of its own when null).</param>
    public IngestPipeline(IngestOptions options, ITargetBlock<Frame> target, TimeProvider time, ILoggerFactory loggers, Action<FrameGap>? onGap = null, IReadOnlyList<ISourceScheme>? schemes = null, StreamDirectory? directory = null)
    {
        _directory = directory ?? new StreamDirectory(time);
        _schemes = schemes ?? [];
        _onGap = onGap;
        _options = options;
        _target = target;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<IngestPipeline>();
        Pool = new FramePool(options.Shape);
    }

    public FramePool Pool { get; }

    /// <summary>CPUs the reader threads (and the decoder threads they start) run on; empty: anywhere. Set before adding sources.</summary>
    public IReadOnlyList<int> DecoderCpus { get; init; } = [];

    /// <summary>How each source read here keeps its last pictures (<see cref="StreamStats.Evidence"/>); null keeps none.</summary>
    public EvidenceOptions? KeepPictures { get; init; }

    /// <summary>Every stream started and not yet forgotten, by id.</summary>
    public IReadOnlyCollection<StreamStats> Streams => _directory.Streams;

    /// <summary>Starts reading <paramref name="source"/>. A source that cannot even be described is returned already failed.</summary>
    public StreamStats Add(SourceOptions source)
    {
        if (_schemes.FirstOrDefault(s => source.Uri.StartsWith(s.Scheme + "://", StringComparison.OrdinalIgnoreCase)) is { } scheme)
        {
            return AddScheme(scheme, source);
        }

        SourceDescriptor descriptor;
        try
        {
            descriptor = SourceParser.Describe(source, _options.Realtime);
        }
        catch (SourceException ex)
        {
            var failed = Register(ex.StreamId, SourceDescriptor.Redact(source.Uri));
            failed.OnError(ex.Message);
            failed.SetStatus(StreamStatus.Failed);
            _logger.LogError("{Message}", ex.Message);
            return failed;
        }

        var stats = Register(descriptor.Id, descriptor.SafeTarget);
        stats.Evidence = KeepPictures is { } keep ? new FrameRing(keep) : null;
        stats.DropsWhenBehind = descriptor.DropsWhenBehind;
        descriptor = descriptor with { Id = stats.StreamId };
        IFrameEmitter emitter = descriptor.DropsWhenBehind
            ? new DropOldestEmitter(_target, _options.LiveQueueCapacity, stats)
            : new BackpressureEmitter(_target);
        var reader = new SourceReader(descriptor, _options, Pool, emitter, stats, _time, _loggers.CreateLogger<SourceReader>());
        Start(stats, reader.Run);
        return stats;
    }

    /// <summary>A source of another project's kind: its own stream first, and any stream it carries on first use.</summary>
    private StreamStats AddScheme(ISourceScheme scheme, SourceOptions source)
    {
        var stats = Register(source.Id ?? $"{scheme.Scheme}-{source.Uri[(scheme.Scheme.Length + 3)..].Trim('/')}", SourceDescriptor.Redact(source.Uri));
        ISchemeReader reader;
        try
        {
            var context = new SchemeContext(
                _options, Pool, new BackpressureEmitter(_target), stats,
                id => _directory.Find(id) ?? Register(id, SourceDescriptor.Redact(source.Uri)),
                _time, _loggers);
            reader = scheme.Open(source, context);
        }
        catch (SourceException ex)
        {
            stats.OnError(ex.Message);
            stats.SetStatus(StreamStatus.Failed);
            _logger.LogError("{Message}", ex.Message);
            return stats;
        }

        _directory.AddAcknowledger(reader);
        Start(stats, reader.Run);
        return stats;
    }

    private void Start(StreamStats stats, Action<CancellationToken> run)
    {
        ReleaseForgottenStops();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        if (_sourceStops.TryRemove(stats.StreamId, out var earlier))
        {
            earlier.Dispose();  // an earlier stream of this id, forgotten since
        }

        _sourceStops[stats.StreamId] = stop;
        var cpus = DecoderCpus;
        var task = Task.Factory.StartNew(
            () =>
            {
                CpuAffinity.Pin(cpus);
                run(stop.Token);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        lock (_gate)
        {
            _readers.Add(task);
        }
    }

    /// <summary>Completes when every source started so far has ended, failed or been stopped.</summary>
    public async Task WhenSourcesDoneAsync()
    {
        while (true)
        {
            Task[] readers;
            lock (_gate)
            {
                readers = [.. _readers];
            }

            await Task.WhenAll(readers).ConfigureAwait(false);
            lock (_gate)
            {
                if (_readers.Count == readers.Length)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Stops one source while the others go on (its frames already handed downstream are still scored). Its id
    /// stays taken, with status stopped, until it is among the finished streams forgotten (<see cref="StreamDirectory.KeepFinished"/>).
    /// False if no running source has that id.
    /// </summary>
    public bool Remove(string streamId)
    {
        if (!_sourceStops.TryRemove(streamId, out var stop))
        {
            return false;
        }

        _logger.LogInformation("source '{Id}' removed", streamId);
        stop.Cancel();
        return true;
    }

    /// <summary>Disposes the stop signals of streams the directory has forgotten.</summary>
    private void ReleaseForgottenStops()
    {
        foreach (var id in _sourceStops.Keys.Where(id => _directory.Find(id) is null))
        {
            if (_sourceStops.TryRemove(id, out var stop))
            {
                stop.Dispose();
            }
        }
    }

    /// <summary>Stops every source; frames already handed downstream stay there.</summary>
    public void Stop() => _stop.Cancel();

    public void Dispose()
    {
        foreach (var stop in _sourceStops.Values)
        {
            stop.Dispose();
        }

        _stop.Dispose();
    }

    private StreamStats Register(string id, string target)
    {
        var stats = _directory.Register(id, target);
        if (_onGap is { } onGap)
        {
            stats.FrameDropped += h => onGap(new FrameGap(h.StreamId, h.Sequence, FrameGapReason.Dropped));
            stats.FrameDamaged += h => onGap(new FrameGap(h.StreamId, h.Sequence, FrameGapReason.Damaged));
        }

        if (stats.StreamId != id)
        {
            _logger.LogInformation("stream id '{Id}' is taken; this source is '{Candidate}'", id, stats.StreamId);
        }

        return stats;
    }
}
