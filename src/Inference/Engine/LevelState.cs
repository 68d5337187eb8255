using StreamJepa.Model.Configuration;


namespace StreamJepa.Inference.Engine;

/// <summary>One stream's state at a level above the first: the window being filled and the sequence of windows.</summary>
internal sealed class LevelState
{
    public LevelState(TemporalLevelConfig level, int inputDim, int candidates)
    {
        Config = level;
        Items = new History(level.Window, inputDim);
        Windows = new Sequence(level.ContextWindows, level.Dim, level.Horizons, candidates);
    }

    public TemporalLevelConfig Config { get; }

    /// <summary>The last items of the level below (the current window).</summary>
    public History Items { get; }

    public Sequence Windows { get; }

    /// <summary>Energy at z = 0 and free energy of the latest window that could be compared with a prediction.</summary>
    public (double Energy, double Free)? Latest { get; set; }

    /// <summary>True when the item just pushed completes a window.</summary>
    public bool WindowDue => Items.Full && (Items.Count - Config.Window) % Config.Stride == 0;
}
