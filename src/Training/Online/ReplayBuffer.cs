using System.Buffers;
using StreamJepa.Core.Frames;
using StreamJepa.Training.Data;
using static TorchSharp.torch;

namespace StreamJepa.Training.Online;

/// <summary>
/// What the online trainer learns from, per stream: the most recent consecutive frames, and a reservoir of older
/// segments (each <c>segmentLength</c> consecutive frames, kept with uniform probability over everything seen), so
/// the model keeps what it learnt earlier while it follows the scene. Frames are held as half floats in pooled
/// arrays. Used from the trainer's thread only.
/// </summary>
public sealed class ReplayBuffer : IClipSource, IDisposable
{
    private readonly int _recent;
    private readonly int _segments;
    private readonly int _segmentLength;
    private readonly int _frameLength;
    private readonly int[] _shape;
    private readonly Random _random;
    private readonly Dictionary<string, StreamReplay> _streams = new(StringComparer.Ordinal);

    public ReplayBuffer(int recentFrames, int segments, int segmentLength, FrameShape shape, int seed)
    {
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

    public Tensor Sample(int batch, int length, Random random)
    {
        var runs = new List<List<Half[]>>();
        foreach (var replay in _streams.Values)
        {
            if (replay.Recent.Count >= length)
            {
                runs.Add(replay.Recent);
            }

            runs.AddRange(replay.Reservoir.Where(s => s.Count >= length));
        }

        if (runs.Count == 0)
        {
            throw new InvalidOperationException($"no run of {length} consecutive frames yet");
        }

        var data = new float[batch * length * _frameLength];
        for (var b = 0; b < batch; b++)
        {
            var run = runs[random.Next(runs.Count)];
            var start = random.Next(run.Count - length + 1);
            for (var t = 0; t < length; t++)
            {
                var frame = run[start + t];
                var offset = ((b * length) + t) * _frameLength;
                for (var i = 0; i < _frameLength; i++)
                {
                    data[offset + i] = (float)frame[i];
                }
            }
        }

        return tensor(data, [batch, length, .. _shape.Select(d => (long)d)]);
    }

    /// <summary>True when some stream holds <paramref name="length"/> consecutive frames.</summary>
    public bool CanSample(int length) =>
        _streams.Values.Any(s => s.Recent.Count >= length || s.Reservoir.Any(r => r.Count >= length));

    public void Dispose()
    {
        foreach (var replay in _streams.Values)
        {
            replay.Recent.ForEach(f => ArrayPool<Half>.Shared.Return(f));
            replay.Reservoir.ForEach(s => s.ForEach(f => ArrayPool<Half>.Shared.Return(f)));
        }

        _streams.Clear();
    }

    /// <summary>Moves the oldest <paramref name="count"/> recent frames out: as a reservoir segment when long enough.</summary>
    private void Retire(StreamReplay replay, int count)
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

        public long LastSequence { get; set; } = -1;

        public long SegmentsSeen { get; set; }
    }
}
