using StreamJepa.Core.Modeling;

namespace StreamJepa.Inference.Engine;

/// <summary>
/// What the engine keeps per stream between batches, all on the host: the last k token grids (so no frame is
/// encoded twice), the predictions waiting for their frames, and the state of every level above.
/// </summary>
internal sealed class StreamState
{
    public StreamState(HJepaConfig config)
    {
        var tokens = config.Dim * config.Grid * config.Grid;
        Frames = new History(config.ContextFrames, tokens);
        Pending = new PendingPredictions(config.Horizons.Max(), config.Horizons.Count, config.Candidates * tokens);
        var inputDim = config.Dim;
        var levels = new List<LevelState>();
        foreach (var level in config.Levels)
        {
            levels.Add(new LevelState(level, inputDim, config.Candidates));
            inputDim = level.Dim;
        }

        Levels = levels;
    }

    /// <summary>Frames of this stream the model has seen (the step of the next one).</summary>
    public long Step { get; set; }

    public History Frames { get; }

    public PendingPredictions Pending { get; }

    public IReadOnlyList<LevelState> Levels { get; }
}
