using System.Globalization;

namespace StreamJepa.Ingest.Synthetic;

/// <summary>Parameters of a seeded, deterministic synthetic scene.</summary>
public sealed record SyntheticSceneOptions
{
    public int Seed { get; init; } = 1;

    public int Width { get; init; } = 320;

    public int Height { get; init; } = 240;

    public double Fps { get; init; } = 10;

    /// <summary>Frames to generate; 0 generates without end.</summary>
    public long Frames { get; init; } = 600;

    /// <summary>Moving objects in the scene.</summary>
    public int Objects { get; init; } = 5;

    /// <summary>Standard deviation of per-pixel sensor noise (0..255 scale).</summary>
    public double Noise { get; init; } = 4;

    /// <summary>Frames of normal scene before the first anomaly.</summary>
    public long Warmup { get; init; } = 150;

    /// <summary>Mean spacing between anomaly starts, in frames; 0 schedules none.</summary>
    public long AnomalyEvery { get; init; } = 90;

    /// <summary>Length of each anomaly, in frames.</summary>
    public long AnomalyLength { get; init; } = 15;

    /// <summary>Kinds scheduled, taken in turn.</summary>
    public IReadOnlyList<SceneAnomalyKind> Kinds { get; init; } = Enum.GetValues<SceneAnomalyKind>();

    /// <summary>Parses <c>seed=3&amp;frames=600&amp;width=320&amp;kinds=freeze+flash</c>; throws what <paramref name="error"/> makes.</summary>
    public static SyntheticSceneOptions Parse(string text, Func<string, Exception> error)
    {
        var o = new SyntheticSceneOptions();
        foreach (var pair in text.Split(['&', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw error($"synthetic option \"{pair}\" must look like key=value");
            }

            var key = pair[..eq].ToLowerInvariant();
            var value = pair[(eq + 1)..];
            o = key switch
            {
                "seed" => o with { Seed = (int)Number(key, value, 0, int.MaxValue, error) },
                "width" => o with { Width = (int)Number(key, value, 32, 4096, error) },
                "height" => o with { Height = (int)Number(key, value, 32, 4096, error) },
                "fps" => o with { Fps = Number(key, value, 0.1, 1000, error) },
                "frames" => o with { Frames = (long)Number(key, value, 0, 1e12, error) },
                "objects" => o with { Objects = (int)Number(key, value, 1, 64, error) },
                "noise" => o with { Noise = Number(key, value, 0, 64, error) },
                "warmup" => o with { Warmup = (long)Number(key, value, 0, 1e12, error) },
                "anomalyevery" => o with { AnomalyEvery = (long)Number(key, value, 0, 1e12, error) },
                "anomalylength" => o with { AnomalyLength = (long)Number(key, value, 1, 1e12, error) },
                "kinds" => o with { Kinds = ParseKinds(value, error) },
                _ => throw error($"unknown synthetic option '{key}' (allowed: seed, width, height, fps, frames, objects, noise, warmup, anomalyEvery, anomalyLength, kinds)"),
            };
        }

        if (o.AnomalyEvery > 0 && o.AnomalyLength >= o.AnomalyEvery)
        {
            throw error($"synthetic option anomalyLength={o.AnomalyLength} must be shorter than anomalyEvery={o.AnomalyEvery}");
        }

        return o;
    }

    private static double Number(string key, string value, double min, double max, Func<string, Exception> error)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            throw error($"synthetic option {key}={value}: expected a number between {min} and {max}");
        }

        return number;
    }

    private static SceneAnomalyKind[] ParseKinds(string value, Func<string, Exception> error)
    {
        if (value.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        return [.. value.Split(['+', '|', ' '], StringSplitOptions.RemoveEmptyEntries).Select(k =>
            Enum.TryParse<SceneAnomalyKind>(k, ignoreCase: true, out var kind) ? kind
                : throw error($"unknown anomaly kind '{k}' (allowed: {string.Join(", ", Enum.GetNames<SceneAnomalyKind>())}, none)"))];
    }
}
