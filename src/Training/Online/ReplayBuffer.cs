using System.Buffers;
using StreamJepa.Core.Frames;
using StreamJepa.Training.Data;
using static TorchSharp.torch;

namespace StreamJepa.Training.Online;

/// <summary>
/// What the online trainer learns from, per stream: the most recent consecutive frames, and a reservoir of older
/// segments (each <c>segmentLength</c> consecutive frames), so the model keeps what it learnt earlier while it follows
/// the scene. Which segments the reservoir keeps is <see cref="ReplayKeep"/>: the least redundant ones (MinRed,
/// Purushwalkam et al. 2022: when full, the segment nearest to another is dropped, so a camera that shows the same
/// empty scene for an hour keeps one segment of it beside the few moments that differed), or a uniform sample of
/// everything seen. The newest <c>heldBack</c> frames of each stream
/// are never sampled for training while they are the newest: they are the held-back slice a proposal is checked on
/// (<see cref="SampleHeldBack"/>). Frames are held as half floats in pooled arrays. Used from the trainer's thread only.
/// </summary>
public sealed class ReplayBuffer : IClipSource, IDisposable
{
    private readonly int _recent;
    private readonly int _segments;
    private readonly int _segmentLength;
    private readonly int _frameLength;
    private readonly int[] _shape;
    private readonly Random _random;
    private readonly int _heldBack;
    private readonly ReplayKeep _keep;
    private readonly Dictionary<string, StreamReplay> _streams = new(StringComparer.Ordinal);

    public ReplayBuffer(int recentFrames, int segments, int segmentLength, FrameShape shape, int seed, int heldBack = 0, ReplayKeep keep = ReplayKeep.Diverse)
    {
        _heldBack = heldBack;
        _keep = keep;
        _recent = recentFrames;
        _segments = segments;
        _segmentLength = segmentLength;
        _frameLength = shape.Length;
        _shape = [shape.Channels, shape.Height, shape.Width];
        _random = new Random(seed);
    }

    public int Frames => _streams.Values.Sum(s => s.Recent.Count + (s.Reservoir.Count * _segmentLength));

    public void Add(string stream, long sequence, ReadOnlySpan<float> pixels)
    {
        if (!_streams.TryGetValue(stream, out var replay))
        {
            replay = new StreamReplay();
            _streams.Add(stream, replay);
        }

        if (replay.Recent.Count > 0 && sequence != replay.LastSequence + 1)
        {
            // A gap (dropped frames, a skipped anomaly): clips must not span it.
            Retire(replay, replay.Recent.Count);
        }

        var frame = ArrayPool<Half>.Shared.Rent(_frameLength);
        for (var i = 0; i < _frameLength; i++)
        {
            frame[i] = (Half)pixels[i];
        }

        replay.Recent.Add(frame);
        replay.LastSequence = sequence;
        if (replay.Recent.Count >= _recent + _segmentLength)
        {
            Retire(replay, _segmentLength);
        }
    }

    /// <summary>
    /// Streams whose newest frames are no longer arriving (out of the tap's turn, <see cref="TapRotation"/>) keep only
    /// their held-back newest frames as recent; the older ones go to the reservoir now rather than when the stream's
    /// next frame shows the gap, so that a replay of many streams holds about one recent window per stream in turn.
    /// </summary>
    public void Settle(Func<string, bool> inTurn)
    {
        foreach (var (stream, replay) in _streams)
        {
            if (replay.Recent.Count > _heldBack && !inTurn(stream))
            {
                Retire(replay, replay.Recent.Count - _heldBack);
            }
        }
    }

    /// <summary>Training clips (B, T, C, H, W): consecutive frames of one run, never from a stream's held-back newest frames.</summary>
    public Tensor Sample(int batch, int length, Random random)
    {
        var runs = new List<(List<Half[]> Frames, int Start, int Count)>();
        foreach (var replay in _streams.Values)
        {
            if (replay.Recent.Count - _heldBack >= length)
            {
                runs.Add((replay.Recent, 0, replay.Recent.Count - _heldBack));
            }

            runs.AddRange(replay.Reservoir.Where(s => s.Count >= length).Select(s => (s, 0, s.Count)));
        }

        return runs.Count > 0 ? Clips(runs, batch, length, random) : throw new InvalidOperationException($"no run of {length} consecutive frames yet");
    }

    /// <summary>Clips (B, T, C, H, W) from the held-back newest frames of the streams that have them; null before any has.</summary>
    public Tensor? SampleHeldBack(int batch, int length, Random random)
    {
        if (_heldBack < length)
        {
            return null;
        }

        var runs = _streams.Values.Where(r => r.Recent.Count >= _heldBack).Select(r => (r.Recent, r.Recent.Count - _heldBack, _heldBack)).ToList();
        return runs.Count > 0 ? Clips(runs, batch, length, random) : null;
    }

    /// <summary>True when some stream holds <paramref name="length"/> consecutive frames to train on.</summary>
    public bool CanSample(int length) =>
        _streams.Values.Any(s => s.Recent.Count - _heldBack >= length || s.Reservoir.Any(r => r.Count >= length));

    public void Dispose()
    {
        foreach (var replay in _streams.Values)
        {
            replay.Recent.ForEach(f => ArrayPool<Half>.Shared.Return(f));
            replay.Reservoir.ForEach(s => s.ForEach(f => ArrayPool<Half>.Shared.Return(f)));
        }

        _streams.Clear();
    }

    /// <summary>A batch of clips, each from a run chosen at random: frames [Start, Start + Count) of its list.</summary>
    private Tensor Clips(List<(List<Half[]> Frames, int Start, int Count)> runs, int batch, int length, Random random)
    {
        var data = new float[batch * length * _frameLength];
        for (var b = 0; b < batch; b++)
        {
            var (frames, first, count) = runs[random.Next(runs.Count)];
            var start = first + random.Next(count - length + 1);
            for (var t = 0; t < length; t++)
            {
                var frame = frames[start + t];
                var offset = ((b * length) + t) * _frameLength;
                for (var i = 0; i < _frameLength; i++)
                {
                    data[offset + i] = (float)frame[i];
                }
            }
        }

        return tensor(data, [batch, length, .. _shape.Select(d => (long)d)]);
    }

    /// <summary>
    /// Moves the oldest <paramref name="count"/> recent frames out: as reservoir segments of <c>segmentLength</c> to
    /// twice that when long enough (a long run retired at once is offered to the reservoir piece by piece).
    /// </summary>
    private void Retire(StreamReplay replay, int count)
    {
        while (count >= 2 * _segmentLength)
        {
            RetireSegment(replay, _segmentLength);
            count -= _segmentLength;
        }

        RetireSegment(replay, count);
    }

    private void RetireSegment(StreamReplay replay, int count)
    {
        var oldest = replay.Recent.GetRange(0, count);
        replay.Recent.RemoveRange(0, count);
        if (oldest.Count < _segmentLength || _segments == 0)
        {
            oldest.ForEach(f => ArrayPool<Half>.Shared.Return(f));
            return;
        }

        replay.SegmentsSeen++;
        if (replay.Reservoir.Count < _segments)
        {
            replay.Reservoir.Add(oldest);
            replay.Descriptors.Add(_keep == ReplayKeep.Diverse ? SegmentDescriptor.Of(oldest, _shape) : []);
            return;
        }

        if (_keep == ReplayKeep.Diverse)
        {
            replay.Reservoir.Add(oldest);
            replay.Descriptors.Add(SegmentDescriptor.Of(oldest, _shape));
            var drop = SegmentDescriptor.MostRedundant(replay.Descriptors);
            replay.Reservoir[drop].ForEach(f => ArrayPool<Half>.Shared.Return(f));
            replay.Reservoir.RemoveAt(drop);
            replay.Descriptors.RemoveAt(drop);
            return;
        }

        var slot = _random.NextInt64(replay.SegmentsSeen);
        if (slot < _segments)
        {
            replay.Reservoir[(int)slot].ForEach(f => ArrayPool<Half>.Shared.Return(f));
            replay.Reservoir[(int)slot] = oldest;
        }
        else
        {
            oldest.ForEach(f => ArrayPool<Half>.Shared.Return(f));
        }
    }

    private sealed class StreamReplay
    {
        public List<Half[]> Recent { get; } = [];

        public List<List<Half[]>> Reservoir { get; } = [];

        /// <summary>Each reservoir segment's <see cref="SegmentDescriptor"/> (empty when segments are kept uniformly).</summary>
        public List<float[]> Descriptors { get; } = [];

        public long LastSequence { get; set; } = -1;

        public long SegmentsSeen { get; set; }
    }
}
