using System.Collections.Concurrent;
using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Logging;
using StreamJepa.Core.Frames;
using StreamJepa.Core.Results;
using StreamJepa.Core.Threading;
using StreamJepa.Ingest.Configuration;
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
    private readonly ConcurrentDictionary<string, StreamStats> _streams = new(StringComparer.Ordinal);
    private readonly List<Task> _readers = [];
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _sourceStops = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Action<FrameGap>? _onGap;
    private readonly IReadOnlyList<ISourceScheme> _schemes;
    private readonly ConcurrentBag<ISchemeReader> _schemeReaders = [];

    /// <param name="options">Ingest settings.</param>
    /// <param name="target">The shared, bounded downstream block every stream feeds.</param>
    /// <param name="time">Clock for pacing, timestamps and reconnect delays.</param>
    /// <param name="loggers">Logging.</param>
    /// <param name="onGap">Told (on reader threads) of every frame that is dropped or undecodable, so it keeps its place downstream.</param>
    /// <param name="schemes">Source kinds read by other projects, chosen by URI scheme (e.g. the Kafka frames topic).</param>
    public IngestPipeline(IngestOptions options, ITargetBlock<Frame> target, TimeProvider time, ILoggerFactory loggers, Action<FrameGap>? onGap = null, IReadOnlyList<ISourceScheme>? schemes = null)
    {
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

    /// <summary>
    /// Finished streams (ended, stopped or failed) kept in <see cref="Streams"/>; beyond it the earliest finished are
    /// forgotten and their ids may be taken again, so a run that adds and removes sources for ever stays bounded.
    /// </summary>
    public int KeepFinished { get; init; } = 64;

    /// <summary>Finished streams are forgotten once they have been finished this long (null: only <see cref="KeepFinished"/> bounds them).</summary>
    public TimeSpan? KeepFinishedFor { get; init; }

    /// <summary>Every stream started and not yet forgotten, by id.</summary>
    public IReadOnlyCollection<StreamStats> Streams
    {
        get
        {
            ForgetFinished();
            return [.. _streams.Values.OrderBy(s => s.StreamId, StringComparer.Ordinal)];
        }
    }

    /// <summary>The source of stream <paramref name="streamId"/> as it may be shown (credentials redacted), or null for a stream not (or no longer) known.</summary>
    public string? SourceOf(string streamId) => _streams.TryGetValue(streamId, out var stats) ? stats.Target : null;

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
        descriptor = descriptor with { Id = stats.StreamId };
        IFrameEmitter emitter = descriptor.DropsWhenBehind
            ? new DropOldestEmitter(_target, _options.LiveQueueCapacity, stats)
            : new BackpressureEmitter(_target);
        var reader = new SourceReader(descriptor, _options, Pool, emitter, stats, _time, _loggers.CreateLogger<SourceReader>());
        Start(stats, reader.Run);
        return stats;
    }

    /// <summary>The results of a frame reached the sinks: a source that acknowledges (a Kafka offset) may commit it.</summary>
    public void Acknowledge(string streamId, long sequence)
    {
        foreach (var reader in _schemeReaders)
        {
            reader.Acknowledge(streamId, sequence);
        }
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
                id => _streams.TryGetValue(id, out var existing) ? existing : Register(id, SourceDescriptor.Redact(source.Uri)),
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

        _schemeReaders.Add(reader);
        Start(stats, reader.Run);
        return stats;
    }

    private void Start(StreamStats stats, Action<CancellationToken> run)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
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
    /// stays taken, with status stopped, until it is among the finished streams forgotten (<see cref="KeepFinished"/>).
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

    /// <summary>Forgets the earliest finished streams beyond <see cref="KeepFinished"/>, and those finished longer than <see cref="KeepFinishedFor"/>.</summary>
    private void ForgetFinished()
    {
        var finished = _streams.Values.Where(s => s.Finished).OrderBy(s => s.FinishOrder).ToList();
        var expired = KeepFinishedFor is { } keep ? finished.Count(s => s.FinishedFor > keep) : 0;
        foreach (var stream in finished.Take(Math.Max(finished.Count - KeepFinished, expired)))
        {
            _streams.TryRemove(stream.StreamId, out _);
            if (_sourceStops.TryRemove(stream.StreamId, out var stop))
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
        ForgetFinished();
        var candidate = id;
        for (var n = 2; ; n++)
        {
            var stats = new StreamStats(candidate, target, _time);
            if (_streams.TryAdd(candidate, stats))
            {
                if (_onGap is { } onGap)
                {
                    stats.FrameDropped += h => onGap(new FrameGap(h.StreamId, h.Sequence, FrameGapReason.Dropped));
                    stats.FrameDamaged += h => onGap(new FrameGap(h.StreamId, h.Sequence, FrameGapReason.Damaged));
                }

                if (candidate != id)
                {
                    _logger.LogInformation("stream id '{Id}' is taken; this source is '{Candidate}'", id, candidate);
                }

                return stats;
            }

            candidate = $"{id}-{n}";
        }
    }
}
