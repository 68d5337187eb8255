using OpenCvSharp;
using StreamJepa.Core.Frames;
using StreamJepa.Ingest.Configuration;

namespace StreamJepa.Ingest.Evidence;

/// <summary>A source frame kept for evidence: its index and time on the stream, and the picture as JPEG.</summary>
/// <param name="Sequence">Frame index on the stream (as in scores and episodes).</param>
/// <param name="PtsMs">Presentation time.</param>
/// <param name="Jpeg">The picture, JPEG-encoded (scaled to <c>evidence.maxWidth</c> when wider).</param>
/// <param name="SourceWidth">Width of the decoded source picture.</param>
/// <param name="SourceHeight">Height of the decoded source picture.</param>
public sealed record EvidenceFrame(long Sequence, double PtsMs, byte[] Jpeg, int SourceWidth, int SourceHeight);

/// <summary>
/// One stream's last seconds of source pictures, kept at <c>evidence.fps</c> as JPEG: filled by the stream's reader
/// thread as it decodes, read by the evidence writer. Bounded by time (the pre-roll and a margin for the frames still
/// on their way to the model) and by <c>evidence.streamMegabytes</c>; the oldest frames go first.
/// </summary>
public sealed class FrameRing
{
    /// <summary>Seconds kept beyond the pre-roll: the writer takes frames as their scores arrive, which lag decoding.</summary>
    private const double MarginSeconds = 5;

    private readonly Queue<EvidenceFrame> _frames = new();
    private readonly Lock _gate = new();
    private readonly double _intervalMs;
    private readonly double _spanMs;
    private readonly long _maxBytes;
    private readonly int _maxWidth;
    private readonly int[] _jpeg;
    private double _nextPtsMs = double.NegativeInfinity;
    private double _lastOfferedPtsMs = double.NegativeInfinity;
    private int _openEpisodes;
    private long _bytes;

    public FrameRing(EvidenceOptions options)
    {
        _intervalMs = 1000 / options.Fps;
        _spanMs = (options.PreRollSeconds + MarginSeconds) * 1000;
        _maxBytes = (long)(options.StreamMegabytes * 1024 * 1024);
        _maxWidth = options.MaxWidth;
        _jpeg = [(int)ImwriteFlags.JpegQuality, options.JpegQuality];
    }

    /// <summary>Bytes of JPEG held now.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>
    /// Episodes of the stream open now. While there is one, every frame is kept, so the snapshot is the peak frame
    /// itself; the clip still takes one frame per interval (<see cref="EvenlySpaced"/>).
    /// </summary>
    public int OpenEpisodes
    {
        get => Volatile.Read(ref _openEpisodes);
        set => Volatile.Write(ref _openEpisodes, value);
    }

    /// <summary>
    /// Keeps <paramref name="decoded"/> (BGR) when a kept frame is due at its presentation time, or whenever an
    /// episode is open; called on the reader thread.
    /// </summary>
    public void Offer(FrameHeader header, Mat decoded)
    {
        // The source restarted (a reconnect, a file replayed): its earlier pictures belong to another clip.
        var restarted = header.PtsMs < _lastOfferedPtsMs;
        _lastOfferedPtsMs = header.PtsMs;
        if (restarted)
        {
            _nextPtsMs = double.NegativeInfinity;
        }

        // A tenth of an interval of slack keeps every other frame of a 10 fps source at 5 fps despite jittery timestamps.
        var due = header.PtsMs >= _nextPtsMs;
        if ((!due && OpenEpisodes == 0) || decoded.Empty())
        {
            return;
        }

        if (due)
        {
            _nextPtsMs = header.PtsMs + (_intervalMs * 0.9);
        }

        var frame = new EvidenceFrame(header.Sequence, header.PtsMs, Encode(decoded), decoded.Width, decoded.Height);
        lock (_gate)
        {
            if (restarted)
            {
                Clear();
            }

            _frames.Enqueue(frame);
            _bytes += frame.Jpeg.Length;
            while (_frames.Count > 1 && (_bytes > _maxBytes || frame.PtsMs - _frames.Peek().PtsMs > _spanMs))
            {
                _bytes -= _frames.Dequeue().Jpeg.Length;
            }
        }
    }

    /// <summary>The newest kept frame, or null before the first.</summary>
    public EvidenceFrame? Latest()
    {
        lock (_gate)
        {
            return _frames.Count == 0 ? null : _frames.Last();
        }
    }

    /// <summary>The kept frames after frame <paramref name="afterSequence"/> shown at or after <paramref name="fromPtsMs"/>, oldest first.</summary>
    public IReadOnlyList<EvidenceFrame> Since(long afterSequence, double fromPtsMs)
    {
        lock (_gate)
        {
            return [.. _frames.Where(f => f.Sequence > afterSequence && f.PtsMs >= fromPtsMs)];
        }
    }

    /// <summary>Of <paramref name="frames"/> (oldest first), one per kept-frame interval: the clip's frames, at its even rate.</summary>
    public IReadOnlyList<EvidenceFrame> EvenlySpaced(IReadOnlyList<EvidenceFrame> frames)
    {
        var spaced = new List<EvidenceFrame>(frames.Count);
        var next = double.NegativeInfinity;
        foreach (var frame in frames)
        {
            if (frame.PtsMs >= next)
            {
                spaced.Add(frame);
                next = frame.PtsMs + (_intervalMs * 0.9);
            }
        }

        return spaced;
    }

    private void Clear()
    {
        _frames.Clear();
        _bytes = 0;
    }

    private byte[] Encode(Mat decoded)
    {
        if (_maxWidth <= 0 || decoded.Width <= _maxWidth)
        {
            return decoded.ImEncode(".jpg", _jpeg);
        }

        using var scaled = new Mat();
        Cv2.Resize(decoded, scaled, new Size(_maxWidth, Math.Max(1, (int)Math.Round((double)decoded.Height * _maxWidth / decoded.Width))), interpolation: InterpolationFlags.Area);
        return scaled.ImEncode(".jpg", _jpeg);
    }
}
