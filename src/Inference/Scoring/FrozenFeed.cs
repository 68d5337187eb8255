using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;

namespace StreamJepa.Inference.Scoring;

/// <summary>
/// A stream whose picture stopped changing: a "frozen" episode opens when <c>frozenAfter</c> frames in a row have
/// repeated the frame before them exactly, starts at the first repeated frame, reports "updated" every
/// <c>updateEvery</c> frames, and closes at the first frame that changes.
/// </summary>
internal sealed class FrozenFeed
{
    private readonly string _stream;
    private readonly ScoringOptions _options;
    private FrameMoment _first;
    private (FrameMoment At, double Score, long Version) _last;
    private EpisodeIdentity? _id;

    public FrozenFeed(string stream, ScoringOptions options)
    {
        _stream = stream;
        _options = options;
    }

    public bool IsOpen => _id is not null;

    /// <summary>
    /// Feeds one frame with its count of repeats (0: the picture changed) and its score; returns an episode when one
    /// opens, updates or closes at this frame. <paramref name="nextId"/> names a new episode.
    /// </summary>
    public AnomalyEpisode? Update(FrameMoment at, int repeats, double score, long modelVersion, Func<EpisodeIdentity> nextId)
    {
        if (repeats == 0)
        {
            var closed = IsOpen ? Episode("closed") : null;
            _id = null;
            return closed;
        }

        if (repeats == 1)
        {
            _first = at;
        }

        _last = (at, score, modelVersion);
        if (IsOpen)
        {
            return _options.UpdateEvery > 0 && (repeats - _options.FrozenAfter) % _options.UpdateEvery == 0 ? Episode("updated") : null;
        }

        if (_options.FrozenAfter == 0 || repeats < _options.FrozenAfter)
        {
            return null;
        }

        _id = nextId();
        return Episode("opened");
    }

    /// <summary>Closes an open episode at the end of the stream.</summary>
    public AnomalyEpisode? Finish()
    {
        var closed = IsOpen ? Episode("closed") : null;
        _id = null;
        return closed;
    }

    private AnomalyEpisode Episode(string state)
    {
        var closed = state == "closed";
        var (id, last) = (_id!.Value, _last.At);
        return new AnomalyEpisode(
            _stream, id.Id, id.Number, state, _first.Frame, closed ? last.Frame : null, _first.PtsMs, closed ? last.PtsMs : null,
            last.Frame - _first.Frame + 1, _last.Score, [], [], [], _last.Version, AnomalyEpisode.Frozen)
        {
            PeakFrame = last.Frame,
            StartUtc = _first.Utc,
            PeakUtc = last.Utc,
            EndUtc = closed ? last.Utc : null,
        };
    }
}
