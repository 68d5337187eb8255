using StreamJepa.Model.Configuration;

namespace StreamJepa.Inference.Engine;

/// <summary>
/// What the engine keeps per stream between batches, all on the host: the last k token grids (so no frame is
/// encoded twice), the predictions waiting for their frames and the state of every level above, for one version of
/// the weights, and the scene level's memory when the engine keeps one.
/// </summary>
internal sealed class StreamState
{
    public StreamState(HJepaConfig config)
    {
        Frames = new Sequence(config.ContextFrames, config.Dim * config.Tokens, config.Horizons, config.Candidates);
        var inputDim = config.LevelInputDim;
        var levels = new List<LevelState>();
        foreach (var level in config.Levels)
        {
            levels.Add(new LevelState(level, inputDim, config.Candidates));
            inputDim = level.Dim;
        }

        Levels = levels;
    }

    public Sequence Frames { get; }

    public IReadOnlyList<LevelState> Levels { get; }

    /// <summary>The scene level's memory of the stream's token grids, created with its first frame; null without a scene level.</summary>
    public SceneMemory? Scene { get; set; }
}
