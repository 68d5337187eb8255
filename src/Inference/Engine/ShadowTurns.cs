using StreamJepa.Inference.Configuration;
using StreamJepa.Model.Configuration;

namespace StreamJepa.Inference.Engine;

/// <summary>
/// Which streams weights in shadow score, batch by batch. Scoring every stream twice doubles the model's work while
/// new weights wait, which a model block already busy with many live streams cannot absorb without dropping frames;
/// so at most <c>streams</c> streams are scored in shadow at a time, each for a turn of <c>turnFrames</c> of its
/// frames (enough for a baseline), then the stream that waited longest. With no stream waiting a turn goes on, so up
/// to <c>streams</c> streams are scored as they would be without turns. A stream in turn that sends no frame for
/// <c>turnFrames</c> batches gives its place up and leaves the queue until it sends one again. With <c>streams</c> 0
/// every stream is always in turn.
/// </summary>
internal sealed class ShadowTurns(int streams, int turnFrames)
{
    private readonly Dictionary<string, (long Frames, long LastBatch, long Start)> _inTurn = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Queue<string> _waiting = new();
    private long _batch;

    /// <summary>
    /// Frames of a stream scored in shadow per turn: enough for level 1, and every other alert level, to fill its
    /// context and give twice <c>scoring.minSamples</c> energies (the baseline needs <c>minSamples</c> of them).
    /// </summary>
    public static int TurnFramesFor(HJepaConfig config, ScoringOptions scoring)
    {
        long frames = config.ContextFrames + config.Horizons.Max() + (2L * scoring.MinSamples);
        long cadence = 1;   // frames per item of the level below
        for (var l = 0; l < config.Levels.Count; l++)
        {
            var level = config.Levels[l];
            var fill = (level.Window + ((level.ContextWindows + level.Horizons.Max()) * level.Stride)) * cadence;
            cadence *= level.Stride;
            if (scoring.AlertLevels.Contains(l + 2))
            {
                frames = Math.Max(frames, fill + (2L * scoring.MinSamples * cadence));
            }
        }

        return (int)Math.Min(frames, int.MaxValue);
    }

    /// <summary>True when a stream is scored in shadow only in its turn.</summary>
    public bool Rotates => streams > 0;

    /// <summary>True when <paramref name="stream"/> is in its turn now (always, when turns do not rotate).</summary>
    public bool InTurn(string stream) => !Rotates || _inTurn.ContainsKey(stream);

    /// <summary>
    /// Starts the next batch, whose frames come from <paramref name="batchStreams"/>, and returns the streams whose
    /// turn begins with it (their shadow context is stale or empty: the caller starts it again).
    /// </summary>
    public IReadOnlyList<string> Next(IEnumerable<string> batchStreams)
    {
        if (!Rotates)
        {
            return [];
        }

        _batch++;
        var present = batchStreams.ToHashSet(StringComparer.Ordinal);
        foreach (var stream in present.Where(_known.Add))
        {
            _waiting.Enqueue(stream);
        }

        // As many turns end as streams wait (the longest first), so that no stream leaves only to come straight back.
        var waiting = _waiting.Count;
        foreach (var (stream, turn) in _inTurn.OrderBy(t => t.Value.Start).ToList())
        {
            if (_batch - turn.LastBatch > turnFrames)
            {
                _inTurn.Remove(stream);
                _known.Remove(stream);      // gone quiet: it queues again if it comes back
            }
            else if (turn.Frames >= turnFrames && waiting > 0)
            {
                _inTurn.Remove(stream);
                _waiting.Enqueue(stream);
                waiting--;
            }
        }

        var started = new List<string>();
        while (_inTurn.Count < streams && _waiting.Count > 0)
        {
            var stream = _waiting.Dequeue();
            _inTurn[stream] = (0, _batch, _batch);
            started.Add(stream);
        }

        foreach (var stream in present.Where(_inTurn.ContainsKey))
        {
            _inTurn[stream] = _inTurn[stream] with { LastBatch = _batch };
        }

        return started;
    }

    /// <summary>Counts a frame of <paramref name="stream"/> scored in shadow in its turn.</summary>
    public void Scored(string stream)
    {
        if (_inTurn.TryGetValue(stream, out var turn))
        {
            _inTurn[stream] = turn with { Frames = turn.Frames + 1 };
        }
    }
}
