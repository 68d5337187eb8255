using StreamJepa.Model;

namespace StreamJepa.Inference.Engine;

/// <summary>
/// One version of the weights and the per-stream state built with them (token histories, pending predictions,
/// windows). The engine serves from one lane; while a promoted version is scored in shadow it runs a second, whose
/// streams fill their own context from the frames they see, so no token of one encoder reaches the other's predictor.
/// </summary>
internal sealed class ModelLane : IDisposable
{
    private readonly Dictionary<string, StreamState> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _frames = new(StringComparer.Ordinal);

    public ModelLane(HJepa model, long version)
    {
        Model = model;
        Version = version;
    }

    public HJepa Model { get; }

    public long Version { get; }

    /// <summary>Frames of the stream this lane has seen most of.</summary>
    public long MostFrames { get; private set; }

    public StreamState State(string stream)
    {
        if (!_streams.TryGetValue(stream, out var state))
        {
            state = new StreamState(Model.Config);
            _streams.Add(stream, state);
        }

        return state;
    }

    /// <summary>The streams this lane keeps state for.</summary>
    public IEnumerable<string> Streams => _streams.Keys;

    /// <summary>
    /// Starts <paramref name="stream"/>'s context again (its next frames fill it as a new stream's do), keeping its
    /// scene memory: for a stream whose frames this lane missed.
    /// </summary>
    public void Restart(string stream)
    {
        if (_streams.TryGetValue(stream, out var state))
        {
            _streams[stream] = new StreamState(Model.Config) { Scene = state.Scene };
        }
    }

    /// <summary>The state this lane keeps for <paramref name="stream"/>, or null when it has seen none of its frames.</summary>
    public StreamState? Find(string stream) => _streams.GetValueOrDefault(stream);

    /// <summary>Counts one frame of <paramref name="stream"/> seen by this lane.</summary>
    public void Saw(string stream)
    {
        var frames = _frames.GetValueOrDefault(stream) + 1;
        _frames[stream] = frames;
        MostFrames = Math.Max(MostFrames, frames);
    }

    public void Dispose() => Model.Dispose();
}
