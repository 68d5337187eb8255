namespace StreamJepa.Inference.Engine;

/// <summary>
/// The scene level of one stream: the slowest timescale. Its prediction of a frame's token grid is the mean of the
/// stream's token grids over about the last <c>frames</c> frames (a running mean, then an exponential one), and its
/// energy is the distance of the observed grid from it, per token as at level 1. Nothing is learnt and there is no
/// latent: the long-term scene leaves nothing for one to choose. People passing average out of the mean, so the
/// energy stays moderate on normal video; a change that stays (the camera moved, lost focus, was covered, or
/// something was left behind) is far from it until the mean has taken the change in. The memory also keeps
/// <see cref="KeptPictures"/> of the pictures it took in, spread over its span, so that new weights can start from a
/// mature memory of their own (<see cref="Seeded"/>): a memory rebuilt from nothing holds only the last few seconds,
/// whose energies are lower than a full memory's, and a baseline learnt from them makes later normal frames surprising.
/// </summary>
internal sealed class SceneMemory
{
    /// <summary>Pictures kept over the memory's span.</summary>
    public const int KeptPictures = 10;

    private readonly float[] _mean;
    private readonly int _frames;
    private readonly int _positions;
    private readonly int _keepEvery;
    private readonly Queue<Half[]> _pictures = new(KeptPictures);
    private long _count;

    /// <param name="frames">Frames the mean spans.</param>
    /// <param name="dim">Channels of a token.</param>
    /// <param name="positions">Tokens in the grid.</param>
    public SceneMemory(int frames, int dim, int positions)
    {
        _frames = frames;
        _positions = positions;
        _mean = new float[dim * positions];
        _keepEvery = Math.Max(1, frames / KeptPictures);
    }

    /// <summary>
    /// A memory for other weights of the same stream: <paramref name="mean"/> is the mean of their token grids of
    /// <paramref name="from"/>'s kept pictures, and it counts as having seen as many frames as <paramref name="from"/>
    /// (so it gives energies at once and takes new frames in at the same rate); it keeps those pictures too.
    /// </summary>
    public static SceneMemory Seeded(SceneMemory from, ReadOnlySpan<float> mean)
    {
        var seeded = new SceneMemory(from._frames, from._mean.Length / from._positions, from._positions) { _count = from._count };
        mean.CopyTo(seeded._mean);
        foreach (var picture in from._pictures)
        {
            seeded._pictures.Enqueue(picture);
        }

        return seeded;
    }

    /// <summary>The model-input pictures kept, oldest first: one in every <c>frames / </c><see cref="KeptPictures"/> taken in.</summary>
    public IReadOnlyCollection<Half[]> Pictures => _pictures;

    /// <summary>
    /// Frames seen before the scene level gives an energy: a quarter of its span. A mean of fewer frames is mostly the
    /// last few seconds, which people have not yet walked out of, so its energies are lower than the full memory's and
    /// a baseline learnt from them would make later normal frames look surprising.
    /// </summary>
    public int MinFrames => Math.Max(2, _frames / 4);

    /// <summary>
    /// The energy of <paramref name="tokens"/> (D, Gh, Gw, channel-major) against the scene, with its token map, or
    /// null while the memory holds fewer than <see cref="MinFrames"/> frames; then, when <paramref name="learn"/>, adds
    /// the frame to the memory. The frame's energy is the mean of the map, or of its <paramref name="topTokens"/>
    /// highest tokens (0: all), as at level 1. A frame taken in may keep its <paramref name="picture"/> (the model
    /// input it was encoded from; see <see cref="Pictures"/>).
    /// </summary>
    public (double Energy, float[] Map)? Observe(ReadOnlySpan<float> tokens, int topTokens, bool learn = true, ReadOnlySpan<float> picture = default)
    {
        (double, float[])? result = null;
        if (_count >= MinFrames)
        {
            var map = Map(tokens);
            result = (Term(map, topTokens), map);
        }

        if (!learn)
        {
            return result;
        }

        if (!picture.IsEmpty && _count % _keepEvery == 0)
        {
            Keep(picture);
        }

        _count++;
        var rate = 1f / Math.Min(_count, _frames);
        for (var i = 0; i < _mean.Length; i++)
        {
            _mean[i] += rate * (tokens[i] - _mean[i]);
        }

        return result;
    }

    /// <summary>Keeps a copy of <paramref name="picture"/> (a new array: a seeded memory may share the older ones), dropping the oldest.</summary>
    private void Keep(ReadOnlySpan<float> picture)
    {
        if (_pictures.Count == KeptPictures)
        {
            _pictures.Dequeue();
        }

        var kept = new Half[picture.Length];
        for (var i = 0; i < picture.Length; i++)
        {
            kept[i] = (Half)picture[i];
        }

        _pictures.Enqueue(kept);
    }

    private float[] Map(ReadOnlySpan<float> tokens)
    {
        var map = new float[_positions];
        var dim = _mean.Length / _positions;
        for (var d = 0; d < dim; d++)
        {
            var offset = d * _positions;
            for (var p = 0; p < _positions; p++)
            {
                var diff = tokens[offset + p] - _mean[offset + p];
                map[p] += diff * diff;
            }
        }

        for (var p = 0; p < _positions; p++)
        {
            map[p] /= dim;
        }

        return map;
    }

    private static double Term(float[] map, int topTokens)
    {
        if (topTokens <= 0 || topTokens >= map.Length)
        {
            return map.Average();
        }

        return map.OrderDescending().Take(topTokens).Average();
    }
}
