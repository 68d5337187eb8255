using StreamJepa.Core.Modeling;

namespace StreamJepa.Inference.Engine;

/// <summary>One stream's state at a level above the first: the items of the window, past windows, pending predictions.</summary>
internal sealed class LevelState
{
    public LevelState(TemporalLevelConfig level, int inputDim, int candidates)
    {
        Config = level;
        Items = new History(level.Window, inputDim);
        Windows = new History(level.ContextWindows, level.Dim);
        Pending = new PendingPredictions(level.Horizons.Max(), level.Horizons.Count, candidates * level.Dim);
    }

    public TemporalLevelConfig Config { get; }

    /// <summary>The last items of the level below (its window).</summary>
    public History Items { get; }

    /// <summary>The last window representations of this level (the predictor's context).</summary>
    public History Windows { get; }

    public PendingPredictions Pending { get; }

    /// <summary>Energy at z = 0 and free energy of the latest completed window, once one could be compared.</summary>
    public (double Energy, double Free)? Latest { get; set; }

    /// <summary>True when the item just pushed completes a window.</summary>
    public bool WindowDue => Items.Full && (Items.Count - Config.Window) % Config.Stride == 0;
}
