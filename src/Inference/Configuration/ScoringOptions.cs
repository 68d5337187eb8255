using StreamJepa.Core.Configuration;

namespace StreamJepa.Inference.Configuration;

/// <summary>How energies become surprise scores and anomaly episodes.</summary>
public sealed record ScoringOptions
{
    /// <summary>Recent normal energies per stream and level behind the running median and MAD.</summary>
    public int Window { get; init; } = 500;

    /// <summary>A stream's own statistics take over from the checkpoint's once it has this many energies.</summary>
    public int MinSamples { get; init; } = 30;

    /// <summary>Surprise (robust z-score) at or above which a frame counts towards opening an episode.</summary>
    public double OnThreshold { get; init; } = 4.0;

    /// <summary>An open episode closes at the first frame whose surprise falls below this.</summary>
    public double OffThreshold { get; init; } = 2.0;

    /// <summary>
    /// Chance per frame that a level's surprise on normal video reaches <see cref="OnThreshold"/>. Each stream and level
    /// fits the upper tail of its normal surprise (peaks over a threshold, a generalised Pareto tail, as SPOT does) and
    /// divides its surprise so that the on-threshold lies where normal video goes this rarely, never below the
    /// on-threshold itself. The checkpoint's training video gives the tail until the stream has
    /// <see cref="TailMinSamples"/> surprises of its own. 0: the plain robust z-score. At 10 fps an hour is 36,000
    /// frames: 1e-4 lets normal video reach the threshold a few frames an hour, in line with at most one false episode
    /// an hour (1e-3 would allow 36 frames an hour); docs/experiments/2026-12-08-tail-risk-1e-4.md measures the trade.
    /// </summary>
    public double TailRisk { get; init; } = 1e-4;

    /// <summary>Recent normal surprises per stream and level the tail is fitted to (6,000: ten minutes at 10 fps).</summary>
    public int TailWindow { get; init; } = 6000;

    /// <summary>
    /// A stream's own tail takes over from the checkpoint's once it has this many normal surprises; with weights that
    /// came without checkpoint statistics the stream warms up (never alerting) until every level that alerts has them.
    /// </summary>
    public int TailMinSamples { get; init; } = 1000;

    /// <summary>
    /// After calibration the tail learns the surprises below its threshold and one in this many of those at or above
    /// it: a single anomaly of a few seconds leaves fewer than the risk's share of the window, and a moment that
    /// alarms again and again (normal after all, or normal video a model that keeps learning has come to predict
    /// better than this moment) is absorbed within a few recurrences. 0: never, as SPOT.
    /// </summary>
    public int TailAlarmEvery { get; init; } = 10;

    /// <summary>
    /// A level of a stream that closes this many surprise episodes within <see cref="TailWindow"/> frames has met
    /// something its camera shows again and again: the tail learns every alarming surprise of the latest one (not one
    /// in <see cref="TailAlarmEvery"/>), so the moment stops alarming even while newer weights find it more surprising
    /// than the older ones did. 0: never.
    /// </summary>
    public int TailRecurrences { get; init; } = 3;

    /// <summary>Consecutive frames at or above <see cref="OnThreshold"/> that open an episode.</summary>
    public int OpenAfter { get; init; } = 3;

    /// <summary>While an episode is open, an "updated" event every this many frames (0: only opened and closed).</summary>
    public int UpdateEvery { get; init; } = 50;

    /// <summary>
    /// Weight, per level (index 0 = level 1), of energy far <em>below</em> a stream's normal: that level's surprise
    /// is max(z, −w·z) for its robust z-score z. A level without a weight, or with 0, counts only energy above normal.
    /// Off by default: a frozen feed is found exactly (<see cref="FrozenAfter"/>), and a scene that is merely quieter
    /// than usual is no anomaly.
    /// </summary>
    public IReadOnlyList<double> LowEnergyWeights { get; init; } = [];

    /// <summary>
    /// Levels of the model (1 = frames) whose surprise makes a frame's combined score, the most surprised of them and
    /// of the scene level (<see cref="SceneFrames"/>), and so opens episodes. Every level is still scored and reported,
    /// and an episode lists each level that was surprised during it. The default is level 1 alone: trained on a half-minute of video, level 2's surprise on new video of the same
    /// scene has heavy tails (a fifth of normal frames above the on-threshold in one of six models), and in every model
    /// measured it only lowered the combined AUC (docs/experiments/2026-12-02-default-composition.md).
    /// </summary>
    public IReadOnlyList<int> AlertLevels { get; init; } = [1];

    /// <summary>
    /// Frames in a row whose picture repeats the one before it exactly that make a stream frozen: a "frozen" episode
    /// opens then and closes when the picture changes. Repeated frames never teach the baseline, and their score
    /// rises to the on-threshold as the repeats reach this count. 0 turns the check off.
    /// </summary>
    public int FrozenAfter { get; init; } = 5;

    /// <summary>
    /// Frames the scene level remembers: each frame's tokens are compared with the mean of the stream's last this many
    /// token grids. It is reported as the level after the model's last and, beside <see cref="AlertLevels"/>, makes
    /// the combined score: it is what sees a change that stays (a camera moved, defocused or covered, an object left
    /// behind), which temporal prediction stops being surprised by once it has seen it. It gives energies once its
    /// memory holds a quarter of this span, and alerts once the stream has its own baseline of them (it has no
    /// checkpoint statistics); the stream does not wait for it to alert from the other levels. 0: no scene level.
    /// </summary>
    public int SceneFrames { get; init; } = 300;

    /// <summary>Spatial cells of the peak frame's energy map reported per episode.</summary>
    public int TopCells { get; init; } = 3;

    /// <summary>
    /// Put each frame's level-1 energy grid (rows of token energies at the best latent) into its score record as
    /// <c>energyMap</c>. Off by default: it multiplies the size of the scores; <c>eval</c> turns it on for its heat maps.
    /// </summary>
    public bool EnergyMaps { get; init; }

    public void Validate(string key, ConfigErrors errors)
    {
        errors.Range($"{key}.window", Window, 8, 1_000_000);
        errors.Range($"{key}.minSamples", MinSamples, 2, Window >= 8 ? Window : 1_000_000);     // at most the window, once that is valid
        errors.Range($"{key}.onThreshold", OnThreshold, 0.1, 1e6);
        errors.Range($"{key}.offThreshold", OffThreshold, -1e6, OnThreshold);
        errors.Range($"{key}.openAfter", OpenAfter, 1, 10_000);
        errors.Range($"{key}.tailRisk", TailRisk, 0, 0.05);
        errors.Range($"{key}.tailWindow", TailWindow, 100, 10_000_000);
        errors.Range($"{key}.tailAlarmEvery", TailAlarmEvery, 0, 1_000_000);
        errors.Range($"{key}.tailRecurrences", TailRecurrences, 0, 1_000_000);
        errors.Range($"{key}.tailMinSamples", TailMinSamples, 100, TailWindow >= 100 ? TailWindow : 10_000_000);
        errors.Range($"{key}.updateEvery", UpdateEvery, 0, 1_000_000);
        errors.Range($"{key}.topCells", TopCells, 0, 1024);
        errors.Range($"{key}.frozenAfter", FrozenAfter, 0, 1_000_000);
        errors.Range($"{key}.sceneFrames", SceneFrames, 0, 1_000_000);
        if (AlertLevels.Count == 0 || AlertLevels.Any(l => l is < 1 or > 64) || AlertLevels.Distinct().Count() != AlertLevels.Count)
        {
            errors.Add($"{key}.alertLevels", string.Join(",", AlertLevels), "must list distinct levels, 1 (frames) and up");
        }

        if (LowEnergyWeights.Any(w => !double.IsFinite(w) || w is < 0 or > 100))
        {
            errors.Add($"{key}.lowEnergyWeights", string.Join(",", LowEnergyWeights), "must list one weight per level, each between 0 and 100");
        }
    }
}
