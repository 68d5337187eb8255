namespace StreamJepa.Inference.Engine;

/// <summary>
/// The scene level of one stream: the slowest timescale. Its prediction of a frame's token grid is the mean of the
/// stream's token grids over about the last <c>frames</c> frames (a running mean, then an exponential one), and its
/// energy is the distance of the observed grid from it, per token as at level 1. Nothing is learnt and there is no
/// latent: the long-term scene leaves nothing for one to choose. People passing average out of the mean, so the
/// energy stays moderate on normal video; a change that stays (the camera moved, lost focus, was covered, or
/// something was left behind) is far from it until the mean has taken the change in.
/// </summary>
internal sealed class SceneMemory
{
    private readonly float[] _mean;
    private readonly int _frames;
    private readonly int _positions;
    private long _count;

    /// <param name="frames">Frames the mean spans.</param>
    /// <param name="dim">Channels of a token.</param>
    /// <param name="positions">Tokens in the grid.</param>
    public SceneMemory(int frames, int dim, int positions)
    {
        _frames = frames;
        _positions = positions;
        _mean = new float[dim * positions];
    }

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
    /// highest tokens (0: all), as at level 1.
    /// </summary>
    public (double Energy, float[] Map)? Observe(ReadOnlySpan<float> tokens, int topTokens, bool learn = true)
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

        _count++;
        var rate = 1f / Math.Min(_count, _frames);
        for (var i = 0; i < _mean.Length; i++)
        {
            _mean[i] += rate * (tokens[i] - _mean[i]);
        }

        return result;
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
