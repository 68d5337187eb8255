namespace StreamJepa.Inference.Engine;

/// <summary>
/// Predictions waiting for the step they are about: each holds, for one horizon, the predicted representation
/// under every latent candidate (K × size floats). A ring with one slot per step up to the longest horizon.
/// </summary>
internal sealed class PendingPredictions
{
    private readonly int _slots;
    private readonly int _horizons;
    private readonly float[][] _values;
    private readonly long[] _target;

    public PendingPredictions(int maxHorizon, int horizons, int length)
    {
        _slots = maxHorizon + 1;
        _horizons = horizons;
        _values = new float[_slots * horizons][];
        _target = new long[_slots * horizons];
        Array.Fill(_target, -1);
        for (var i = 0; i < _values.Length; i++)
        {
            _values[i] = new float[length];
        }
    }

    /// <summary>Storage for the prediction, made now, about step <paramref name="target"/> at horizon index <paramref name="h"/>.</summary>
    public Span<float> Store(long target, int h)
    {
        var i = Index(target, h);
        _target[i] = target;
        return _values[i];
    }

    /// <summary>The prediction about step <paramref name="target"/> at horizon index <paramref name="h"/>, if one was made.</summary>
    public bool TryGet(long target, int h, out ReadOnlySpan<float> values)
    {
        var i = Index(target, h);
        values = _values[i];
        return _target[i] == target;
    }

    private int Index(long target, int h) => ((int)(target % _slots) * _horizons) + h;
}
