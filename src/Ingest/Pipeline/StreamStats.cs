using StreamJepa.Core.Frames;
using StreamJepa.Ingest.Evidence;

namespace StreamJepa.Ingest.Pipeline;

/// <summary>Live counters of one stream, written by its reader and read by whoever reports them.</summary>
public sealed class StreamStats
{
    private long _frames;
    private long _dropped;
    private long _damaged;
    private long _reconnects;
    private long _errors;
    private volatile StreamStatus _status = StreamStatus.Starting;
    private volatile string? _lastError;
    private long _firstFrameTimestamp;
    private long _lastFrameTimestamp;
    private long _finishOrder;
    private long _finishedTimestamp;
    private static long s_finishes;
    private readonly TimeProvider _time;

    /// <summary>Counters for <paramref name="streamId"/>; <paramref name="time"/> (the system clock by default) dates when the stream finishes.</summary>
    public StreamStats(string streamId, string target, TimeProvider? time = null)
    {
        StreamId = streamId;
        Target = target;
        _time = time ?? TimeProvider.System;
    }

    public string StreamId { get; }

    public string Target { get; }

    /// <summary>The stream's last seconds of source pictures for episode evidence; null when none are kept (no <c>evidence.directory</c>, or a source without pictures of its own).</summary>
    public FrameRing? Evidence { get; internal set; }

    /// <summary>Whether the stream drops frames when downstream is behind (live and real-time sources): a late frame is lost.</summary>
    public bool DropsWhenBehind { get; internal set; }

    /// <summary>Frames decoded and handed downstream (dropped ones included).</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Frames discarded because downstream was behind (live and real-time sources only).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Frames the decoder could not read and skipped.</summary>
    public long Damaged => Interlocked.Read(ref _damaged);

    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Failed open or read attempts, reconnect attempts included.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    public StreamStatus Status => _status;

    public string? LastError => _lastError;

    /// <summary>Frames per second between this stream's first and latest frame.</summary>
    public double AverageFps(TimeProvider time)
    {
        var first = Interlocked.Read(ref _firstFrameTimestamp);
        var last = Interlocked.Read(ref _lastFrameTimestamp);
        var seconds = time.GetElapsedTime(first, last).TotalSeconds;
        return first == 0 || seconds <= 0 ? 0 : (Frames - 1) / seconds;
    }

    /// <summary>Raised (on the reader's thread) for each frame dropped because downstream was behind.</summary>
    public event Action<FrameHeader>? FrameDropped;

    public void OnFrame(long timestamp)
    {
        Interlocked.CompareExchange(ref _firstFrameTimestamp, timestamp, 0);
        Interlocked.Exchange(ref _lastFrameTimestamp, timestamp);
        Interlocked.Increment(ref _frames);
    }

    /// <summary>Raised (on the reader's thread) for each frame skipped because it could not be decoded.</summary>
    public event Action<FrameHeader>? FrameDamaged;

    public void OnDamaged(FrameHeader header)
    {
        Interlocked.Increment(ref _damaged);
        FrameDamaged?.Invoke(header);
    }

    public void OnDropped(FrameHeader header)
    {
        Interlocked.Increment(ref _dropped);
        FrameDropped?.Invoke(header);
    }

    public void OnReconnect() => Interlocked.Increment(ref _reconnects);

    public void OnError(string message)
    {
        Interlocked.Increment(ref _errors);
        _lastError = message;
    }

    /// <summary>True once the stream has ended, was stopped or failed for good.</summary>
    public bool Finished => _status is StreamStatus.Ended or StreamStatus.Stopped or StreamStatus.Failed;

    /// <summary>Order in which streams finished (0 while the stream runs): the pipeline forgets the earliest first.</summary>
    public long FinishOrder => Interlocked.Read(ref _finishOrder);

    /// <summary>How long ago the stream finished, or null while it runs.</summary>
    public TimeSpan? FinishedFor => Interlocked.Read(ref _finishedTimestamp) is var at && at != 0 ? _time.GetElapsedTime(at) : null;

    public void SetStatus(StreamStatus status)
    {
        _status = status;
        if (Finished && Interlocked.Read(ref _finishOrder) == 0)
        {
            Interlocked.CompareExchange(ref _finishedTimestamp, _time.GetTimestamp(), 0);
            Interlocked.CompareExchange(ref _finishOrder, Interlocked.Increment(ref s_finishes), 0);
        }
    }
}
