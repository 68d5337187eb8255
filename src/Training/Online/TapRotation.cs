namespace StreamJepa.Training.Online;

/// <summary>
/// Which streams' frames the online trainer takes now: at most <c>streamsAtOnce</c> streams at a time, each for a turn
/// of <c>turnFrames</c> consecutive frames, then the stream that waited longest. The trainer learns from clips of
/// consecutive frames; a tap that takes every stream's frames fills faster than the trainer drains it, and the frames it
/// drops leave every stream with short broken runs and no clip to learn from (32 live streams: 8 steps a minute, most of
/// the trainer's time spent waiting for a clip). Taking turns gives each stream long unbroken runs, and the frames of
/// the streams out of turn are not copied at all. A stream that stops offering frames is forgotten (its place goes to
/// the next) once the others have offered <c>4 × turnFrames</c> frames since its last (looked for once every
/// <c>turnFrames</c> offers). Thread-safe.
/// </summary>
/// <param name="streamsAtOnce">How many streams are in turn at once; with no more streams than this, every frame is taken.</param>
/// <param name="turnFrames">Frames a stream offers in one turn.</param>
internal sealed class TapRotation(int streamsAtOnce, int turnFrames)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _inTurn = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _waiting = new();
    private readonly Dictionary<string, long> _lastOffer = new(StringComparer.Ordinal);
    private long _offered;
    private long _lookedForStale;

    /// <summary>Whether the trainer takes this frame of <paramref name="stream"/>; counts it towards the stream's turn.</summary>
    public bool Takes(string stream)
    {
        lock (_gate)
        {
            _offered++;
            _lastOffer[stream] = _offered;
            if (_inTurn.TryGetValue(stream, out var frames))
            {
                if (frames + 1 < turnFrames)
                {
                    _inTurn[stream] = frames + 1;
                    return true;
                }

                // The turn ends with this frame: the stream waits behind the others (alone, it goes straight on).
                _inTurn.Remove(stream);
                _waiting.AddLast(stream);
                Fill();
                return true;
            }

            if (!_waiting.Contains(stream))
            {
                _waiting.AddLast(stream);
            }

            Fill();
            if (!_inTurn.TryGetValue(stream, out frames))
            {
                return false;
            }

            _inTurn[stream] = frames + 1;
            return true;
        }
    }

    /// <summary>Whether <paramref name="stream"/> is in turn now (its newest frames are still arriving).</summary>
    public bool InTurn(string stream)
    {
        lock (_gate)
        {
            return _inTurn.ContainsKey(stream);
        }
    }

    /// <summary>Forgets streams that stopped offering frames (once a turn's frames), then gives the free places to the longest waiting.</summary>
    private void Fill()
    {
        if (_offered - _lookedForStale >= turnFrames)
        {
            _lookedForStale = _offered;
            ForgetStale();
        }

        while (_inTurn.Count < streamsAtOnce && _waiting.First is { } next)
        {
            _waiting.RemoveFirst();
            _inTurn.Add(next.Value, 0);
        }
    }

    private void ForgetStale()
    {
        foreach (var stream in _lastOffer.Where(s => _offered - s.Value > 4L * turnFrames).Select(s => s.Key).ToList())
        {
            _lastOffer.Remove(stream);
            _inTurn.Remove(stream);
            _waiting.Remove(stream);
        }
    }
}
