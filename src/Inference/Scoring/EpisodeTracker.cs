using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;

namespace StreamJepa.Inference.Scoring;

/// <summary>
/// Hysteresis over one stream's combined surprise: an episode opens after <c>openAfter</c> consecutive frames at or
/// above the on-threshold (starting at the first of them), reports "updated" every <c>updateEvery</c> frames while
/// open, and closes at the first frame below the off-threshold.
/// </summary>
internal sealed class EpisodeTracker
{
    private readonly ScoringOptions _options;
    private readonly string _stream;
    private readonly int _levels;
    private readonly Func<EpisodeIdentity> _nextId;
    private Run? _run;

    /// <summary>A tracker for <paramref name="stream"/>; <paramref name="nextId"/> names each episode that opens (a stream's episodes of every kind share one sequence).</summary>
    public EpisodeTracker(string stream, ScoringOptions options, int levels, Func<EpisodeIdentity> nextId)
    {
        _stream = stream;
        _options = options;
        _levels = levels;
        _nextId = nextId;
    }

    public bool IsOpen => _run is { Open: true };

    /// <summary>Feeds one scored frame; returns an episode when one opens or closes at this frame.</summary>
    public AnomalyEpisode? Update(FrameMoment at, double? score, IReadOnlyList<double?> surprises, EnergyMap? energyMap, long modelVersion)
    {
        if (score is not { } s)
        {
            return null;
        }

        if (_run is { Open: true } open)
        {
            if (s < _options.OffThreshold)
            {
                _run = null;
                return open.Episode(_stream, "closed", _options);
            }

            open.Add(at, s, surprises, energyMap, modelVersion);
            return _options.UpdateEvery > 0 && (open.Frames - open.FramesAtOpen) % _options.UpdateEvery == 0
                ? open.Episode(_stream, "updated", _options)
                : null;
        }

        if (s < _options.OnThreshold)
        {
            _run = null;
            return null;
        }

        _run ??= new Run(at, _levels);
        _run.Add(at, s, surprises, energyMap, modelVersion);
        if (_run.Frames < _options.OpenAfter)
        {
            return null;
        }

        _run.Open = true;
        _run.Identity = _nextId();
        _run.FramesAtOpen = _run.Frames;
        return _run.Episode(_stream, "opened", _options);
    }

    /// <summary>Closes an open episode at the end of the stream.</summary>
    public AnomalyEpisode? Finish()
    {
        var open = _run is { Open: true } run ? run.Episode(_stream, "closed", _options) : null;
        _run = null;
        return open;
    }

    private sealed class Run
    {
        private readonly double[] _peak;
        private readonly double[] _sum;
        private readonly int[] _count;
        private readonly bool[] _fired;
        private EnergyMap? _peakMap;

        public Run(FrameMoment start, int levels)
        {
            Start = start;
            _peak = new double[levels];
            Array.Fill(_peak, double.NegativeInfinity);
            _sum = new double[levels];
            _count = new int[levels];
            _fired = new bool[levels];
        }

        public EpisodeIdentity Identity { get; set; }

        public FrameMoment Start { get; }

        public bool Open { get; set; }

        public long FramesAtOpen { get; set; }

        public long Frames { get; private set; }

        private FrameMoment Last { get; set; }

        private FrameMoment Peak { get; set; }

        private double PeakScore { get; set; } = double.NegativeInfinity;

        private long PeakVersion { get; set; }

        public void Add(FrameMoment at, double score, IReadOnlyList<double?> surprises, EnergyMap? map, long version)
        {
            Frames++;
            Last = at;
            for (var l = 0; l < surprises.Count; l++)
            {
                if (surprises[l] is { } v)
                {
                    _peak[l] = Math.Max(_peak[l], v);
                    _sum[l] += v;
                    _count[l]++;
                }
            }

            if (score > PeakScore)
            {
                PeakScore = score;
                Peak = at;
                PeakVersion = version;
                _peakMap = map ?? _peakMap;
            }
        }

        public AnomalyEpisode Episode(string stream, string state, ScoringOptions options)
        {
            var levels = new List<EpisodeLevel>();
            var fired = new List<int>();
            for (var l = 0; l < _peak.Length; l++)
            {
                if (_count[l] > 0)
                {
                    levels.Add(new EpisodeLevel(l + 1, _peak[l], _sum[l] / _count[l]));
                    if (_peak[l] >= options.OnThreshold)
                    {
                        fired.Add(l + 1);
                    }
                }
            }

            var closed = state == "closed";
            return new AnomalyEpisode(
                stream, Identity.Id, Identity.Number, state, Start.Frame, closed ? Last.Frame : null, Start.PtsMs, closed ? Last.PtsMs : null,
                Frames, PeakScore, levels, fired, _peakMap?.Top(options.TopCells) ?? [], PeakVersion)
            {
                PeakFrame = Peak.Frame,
                Box = _peakMap?.Region(Peak.SourceWidth, Peak.SourceHeight),
                PeakMap = _peakMap,
                SourceWidth = Peak.SourceWidth > 0 ? Peak.SourceWidth : null,
                SourceHeight = Peak.SourceHeight > 0 ? Peak.SourceHeight : null,
                StartUtc = Start.Utc,
                PeakUtc = Peak.Utc,
                EndUtc = closed ? Last.Utc : null,
            };
        }
    }
}
