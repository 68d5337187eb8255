using StreamJepa.Core.Configuration;

namespace StreamJepa.Model.Configuration;

/// <summary>
/// A level above the first of the H-JEPA: it encodes windows of the level below's pooled representations
/// (<see cref="Window"/> items, one every <see cref="Stride"/>) and predicts the windows that follow.
/// </summary>
public sealed record TemporalLevelConfig
{
    /// <summary>Items of the level below in one window.</summary>
    public int Window { get; init; } = 8;

    /// <summary>A window completes every <see cref="Stride"/> items of the level below.</summary>
    public int Stride { get; init; } = 4;

    /// <summary>Width of this level's representation.</summary>
    public int Dim { get; init; } = 64;

    /// <summary>Hidden width of the window encoder and predictor.</summary>
    public int Hidden { get; init; } = 128;

    /// <summary>Past windows the predictor sees.</summary>
    public int ContextWindows { get; init; } = 3;

    /// <summary>Windows ahead that are predicted (1 = the next window).</summary>
    public IReadOnlyList<int> Horizons { get; init; } = [1];

    /// <summary>Horizons in seconds instead of windows (see <see cref="HJepaConfig.Fps"/>).</summary>
    public IReadOnlyList<double>? HorizonSeconds { get; init; }

    public void Validate(string key, ConfigErrors errors)
    {
        errors.Range($"{key}.window", Window, 2, 512);
        errors.Range($"{key}.stride", Stride, 1, Window);
        errors.Range($"{key}.dim", Dim, 4, 4096);
        errors.Range($"{key}.hidden", Hidden, 4, 8192);
        errors.Range($"{key}.contextWindows", ContextWindows, 1, 64);
        HJepaConfig.CheckHorizons($"{key}.horizons", Horizons, errors);
        if (HorizonSeconds is { } hs && hs.Any(h => !double.IsFinite(h) || h <= 0 || h > 3600))
        {
            errors.Add($"{key}.horizonSeconds", string.Join(",", hs), "must list positive numbers of seconds (at most 3600)");
        }
    }
}
