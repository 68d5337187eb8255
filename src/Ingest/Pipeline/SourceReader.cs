using Microsoft.Extensions.Logging;
using OpenCvSharp;
using Polly;
using StreamJepa.Core.Frames;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Preprocessing;
using StreamJepa.Ingest.Sources;

namespace StreamJepa.Ingest.Pipeline;

/// <summary>
/// Reads one source on its own thread: decode, preprocess into a pooled frame, hand downstream; paces real-time
/// sources; skips damaged frames; reconnects live sources. Its failure never touches the other streams.
/// </summary>
internal sealed class SourceReader
{
    private readonly SourceDescriptor _source;
    private readonly IngestOptions _options;
    private readonly GrabberFactory _grabbers;
    private readonly FramePool _pool;
    private readonly IFrameEmitter _emitter;
    private readonly ResiliencePipeline _reconnect;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _sequence;
    private long _startTimestamp;
    private double _firstPtsMs = double.NaN;
    private long _paceStart;
    private double _ptsOffset;
    private double _lastPtsMs = double.NaN;
    private double _frameIntervalMs = 100;
    private long _decodedLastPass;

    public SourceReader(
        SourceDescriptor source,
        IngestOptions options,
        FramePool pool,
        IFrameEmitter emitter,
        StreamStats stats,
        TimeProvider time,
        ILogger logger)
    {
        _source = source;
        _options = options;
        _grabbers = new GrabberFactory(options);
        _pool = pool;
        _emitter = emitter;
        Stats = stats;
        _time = time;
        _logger = logger;
        _reconnect = ReconnectPipeline.Build(options.Reconnect, stats, time, logger);
    }

    public StreamStats Stats { get; }

    public void Run(CancellationToken cancellationToken)
    {
        ThreadNice.Set(_options.DecoderNice);
        using var preprocessor = new FramePreprocessor(_options);
        using var decoded = new Mat();
        _startTimestamp = _time.GetTimestamp();
        try
        {
            if (_source.IsLive)
            {
                RunLive(preprocessor, decoded, cancellationToken);
            }
            else
            {
                RunFile(preprocessor, decoded, cancellationToken);
            }

            _emitter.Complete(cancellationToken);
            Stats.SetStatus(StreamStatus.Ended);
            _logger.LogInformation("source '{Stream}' ended after {Frames} frames", _source.Id, Stats.Frames);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _emitter.Complete(cancellationToken);
            Stats.SetStatus(StreamStatus.Stopped);
        }
        catch (SourceException ex)
        {
            Fail(ex.Message, cancellationToken);
        }
        catch (OpenCVException ex)
        {
            Fail($"source '{_source.Id}': decoder error: {ex.Message}", cancellationToken);
        }
    }

    private void Fail(string message, CancellationToken cancellationToken)
    {
        Stats.OnError(message);
        Stats.SetStatus(StreamStatus.Failed);
        _logger.LogError("{Message}", message);
        _emitter.Complete(cancellationToken);
    }

    private void RunLive(FramePreprocessor preprocessor, Mat decoded, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var grabber = _reconnect.Execute(_ => _grabbers.Open(_source), cancellationToken);
            Stats.SetStatus(StreamStatus.Running);
            if (!ReadToEnd(grabber, preprocessor, decoded, cancellationToken))
            {
                return;
            }

            var message = $"source '{_source.Id}': stream lost after {Stats.Frames} frames, reconnecting";
            Stats.OnError(message);
            Stats.OnReconnect();
            Stats.SetStatus(StreamStatus.Reconnecting);
            _logger.LogWarning("{Message}", message);
        }
    }

    /// <summary>
    /// Reads a file, folder or scene to its end; with <see cref="SourceDescriptor.Loop"/>, again from its start each time
    /// (presentation times go on from the last frame's, one frame interval later), until stopped or a pass decodes nothing.
    /// </summary>
    private void RunFile(FramePreprocessor preprocessor, Mat decoded, CancellationToken cancellationToken)
    {
        while (true)
        {
            using (var grabber = _grabbers.Open(_source))
            {
                Stats.SetStatus(StreamStatus.Running);
                if (!ReadToEnd(grabber, preprocessor, decoded, cancellationToken) || !_source.Loop || _decodedLastPass == 0)
                {
                    return;
                }
            }

            _ptsOffset = _lastPtsMs + _frameIntervalMs;
            _logger.LogDebug("source '{Stream}': from its start again after {Frames} frames", _source.Id, Stats.Frames);
        }
    }

    /// <summary>Reads until the grabber ends. False when downstream stopped accepting frames.</summary>
    private bool ReadToEnd(IFrameGrabber grabber, FramePreprocessor preprocessor, Mat decoded, CancellationToken cancellationToken)
    {
        long pendingDamaged = 0;
        long decodedHere = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = grabber.Read(decoded, out var ptsMs);
            if (result == GrabResult.End)
            {
                break;
            }

            if (!double.IsNaN(ptsMs))
            {
                ptsMs += _ptsOffset;
                if (!double.IsNaN(_lastPtsMs) && ptsMs <= _lastPtsMs)
                {
                    // A damaged container's times can stop or fall back (Megamind_bugy.avi's drop to 0 near its end):
                    // the frame comes one interval after the last, so episode times and live pacing go on.
                    ptsMs = _lastPtsMs + _frameIntervalMs;
                }
                else if (!double.IsNaN(_lastPtsMs))
                {
                    _frameIntervalMs = ptsMs - _lastPtsMs;
                }

                _lastPtsMs = ptsMs;
            }

            if (result == GrabResult.Damaged)
            {
                if (++pendingDamaged >= _options.MaxConsecutiveDecodeErrors)
                {
                    _logger.LogWarning("source '{Stream}': {Count} undecodable frames in a row, treating as the end", _source.Id, pendingDamaged);
                    break;
                }

                continue;
            }

            if (pendingDamaged > 0)
            {
                _logger.LogWarning("source '{Stream}': skipped {Count} damaged frame(s) before frame {Sequence}", _source.Id, pendingDamaged, _sequence + pendingDamaged);
                for (; pendingDamaged > 0; pendingDamaged--)
                {
                    Stats.OnDamaged(new FrameHeader(_source.Id, _sequence++, double.NaN, false, 0, 0, _time.GetTimestamp()));
                }
            }

            decodedHere++;
            Pace(ptsMs, cancellationToken);
            var frame = Preprocess(preprocessor, decoded, ptsMs);
            var header = frame.Header;
            Stats.OnFrame(header.DecodedTimestamp);
            if (!_emitter.Emit(frame, cancellationToken))
            {
                return false;
            }

            // Kept for evidence after the frame is on its way, so encoding the picture adds nothing to its latency.
            Stats.Evidence?.Offer(header, decoded);
        }

        _decodedLastPass = decodedHere;
        if (decodedHere == 0 && _sequence == 0 && !_source.IsLive)
        {
            throw new SourceException(_source.Id, $"no frame could be decoded from {_source.SafeTarget}");
        }

        return true;
    }

    private Frame Preprocess(FramePreprocessor preprocessor, Mat decoded, double ptsMs)
    {
        var fromContainer = !double.IsNaN(ptsMs);
        var pts = fromContainer ? ptsMs : _time.GetElapsedTime(_startTimestamp).TotalMilliseconds;
        var header = new FrameHeader(_source.Id, _sequence++, pts, fromContainer, decoded.Width, decoded.Height, _time.GetTimestamp());
        var frame = _pool.Rent(header);
        try
        {
            preprocessor.Process(decoded, frame.Pixels);
        }
        catch
        {
            frame.Dispose();
            throw;
        }

        return frame;
    }

    /// <summary>Real-time files and scenes wait for their presentation time, like a camera would.</summary>
    private void Pace(double ptsMs, CancellationToken cancellationToken)
    {
        if (!_source.Realtime || _source.IsLive || double.IsNaN(ptsMs))
        {
            return;
        }

        if (double.IsNaN(_firstPtsMs))
        {
            _firstPtsMs = ptsMs;
            _paceStart = _time.GetTimestamp();
            return;
        }

        var due = TimeSpan.FromMilliseconds(ptsMs - _firstPtsMs) - _time.GetElapsedTime(_paceStart);
        if (due > TimeSpan.Zero)
        {
            Task.Delay(due, _time, cancellationToken).GetAwaiter().GetResult();
        }
    }
}
