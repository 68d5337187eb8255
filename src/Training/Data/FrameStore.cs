using StreamJepa.Core.Frames;
using static TorchSharp.torch;

namespace StreamJepa.Training.Data;

/// <summary>
/// Preprocessed frames per stream, in order, held in memory for offline training: clips of consecutive frames are
/// sampled from it. Frames are copied out of the pipeline's pooled buffers as they arrive.
/// </summary>
public sealed class FrameStore : IClipSource
{
    private readonly Dictionary<string, List<float[]>> _streams = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public FrameStore(FrameShape shape)
    {
        Shape = shape;
    }

    /// <summary>The shape of every frame held (the model input).</summary>
    public FrameShape Shape { get; }

    public IReadOnlyDictionary<string, List<float[]>> Streams => _streams;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _streams.Values.Sum(s => s.Count);
            }
        }
    }

    public void Add(string stream, ReadOnlySpan<float> pixels)
    {
        lock (_gate)
        {
            if (!_streams.TryGetValue(stream, out var frames))
            {
                frames = [];
                _streams.Add(stream, frames);
            }

            frames.Add(pixels.ToArray());
        }
    }

    /// <summary>
    /// Moves the last <paramref name="fraction"/> of each stream's frames into a new store, for measuring the
    /// model on frames it was not trained on. A stream keeps all its frames when the tail would be shorter than
    /// <paramref name="minTail"/> or what stays shorter than <paramref name="minKeep"/>.
    /// </summary>
    public FrameStore HoldOutTail(double fraction, int minTail, int minKeep)
    {
        var held = new FrameStore(Shape);
        lock (_gate)
        {
            foreach (var (stream, frames) in _streams)
            {
                var tail = (int)(frames.Count * fraction);
                if (tail < minTail || frames.Count - tail < minKeep)
                {
                    continue;
                }

                held._streams.Add(stream, frames.GetRange(frames.Count - tail, tail));
                frames.RemoveRange(frames.Count - tail, tail);
            }
        }

        return held;
    }

    /// <summary>Clips of <paramref name="length"/> consecutive frames from random streams and places: (B, T, C, S, S).</summary>
    public Tensor Sample(int batch, int length, Random random)
    {
        var eligible = _streams.Values.Where(s => s.Count >= length).ToArray();
        if (eligible.Length == 0)
        {
            throw new InvalidOperationException($"no stream has {length} frames to make a clip from");
        }

        var each = Shape.Length;
        var data = new float[batch * length * each];
        for (var b = 0; b < batch; b++)
        {
            var frames = eligible[random.Next(eligible.Length)];
            var start = random.Next(frames.Count - length + 1);
            for (var t = 0; t < length; t++)
            {
                frames[start + t].CopyTo(data, ((b * length) + t) * each);
            }
        }

        return tensor(data, [batch, length, Shape.Channels, Shape.Height, Shape.Width]);
    }
}
