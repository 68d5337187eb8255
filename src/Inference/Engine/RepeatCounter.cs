namespace StreamJepa.Inference.Engine;

/// <summary>
/// Counts how many frames in a row one stream has repeated its model input exactly: a frozen camera or encoder
/// hands the same decoded picture over and over, which no live scene does (sensor noise alone changes some pixels).
/// Comparing the preprocessed input catches every source kind in one place (files, URLs, cameras, Kafka frames).
/// </summary>
internal sealed class RepeatCounter
{
    private float[]? _last;
    private int _repeats;

    /// <summary>
    /// Compares <paramref name="pixels"/> with the previous frame's and keeps them for the next; returns the frames in
    /// a row, up to this one, identical to the frame before them (0: this one changed).
    /// </summary>
    public int Observe(ReadOnlySpan<float> pixels)
    {
        if (_last is not null && _last.Length == pixels.Length && pixels.SequenceEqual(_last))
        {
            return ++_repeats;
        }

        if (_last?.Length != pixels.Length)
        {
            _last = new float[pixels.Length];
        }

        pixels.CopyTo(_last);
        _repeats = 0;
        return 0;
    }
}
