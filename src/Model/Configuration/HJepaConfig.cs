using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using StreamJepa.Core.Configuration;
using StreamJepa.Core.Frames;

namespace StreamJepa.Model.Configuration;

/// <summary>
/// Architecture and sizes of the hierarchical JEPA, passed to every module (as nanoGPT's GPTConfig).
/// The defaults are sized for 8 streams at 10 fps on 2 CPU cores with the online trainer beside inference.
/// </summary>
public sealed record HJepaConfig
{
    /// <summary>Input width in pixels (ingest.width must match it).</summary>
    public int ImageWidth { get; init; } = 128;

    /// <summary>Input height in pixels (ingest.height must match it).</summary>
    public int ImageHeight { get; init; } = 128;

    /// <summary>Input channels (3 for RGB/BGR, 1 for grey).</summary>
    public int Channels { get; init; } = 3;

    /// <summary>
    /// What the encoder starts with: <see cref="EncoderStem.Learned"/> (its own stride-2 convolutions only) or
    /// <see cref="EncoderStem.ResNet18"/> (ImageNet ResNet18's conv1 and layer1, frozen, 64 channels at a quarter of the
    /// frame's size, before the <see cref="EncoderChannels"/> convolutions).
    /// </summary>
    public EncoderStem Stem { get; init; }

    /// <summary>Channels of the stride-2 convolutions before the last one, which outputs <see cref="Dim"/>.</summary>
    public IReadOnlyList<int> EncoderChannels { get; init; } = [24, 48, 64];

    /// <summary>
    /// Pad the encoder's last convolution on the right and bottom only, so that each token's receptive field is
    /// centred on its cell of the picture (to half a pixel). Padded evenly, a stack of stride-2 convolutions centres
    /// token k on pixel stride·k, the cell's top-left corner, and energy maps and boxes land half a token up and to
    /// the left of what surprised the model. On by default; checkpoints written before this option read as off.
    /// </summary>
    public bool CentredTokens { get; init; } = true;

    /// <summary>Width of a level-1 token (and of the pooled frame vector).</summary>
    public int Dim { get; init; } = 64;

    /// <summary>Past frames the level-1 predictor sees.</summary>
    public int ContextFrames { get; init; } = 3;

    /// <summary>Frames ahead the level-1 predictor forecasts (1 = the next frame).</summary>
    public IReadOnlyList<int> Horizons { get; init; } = [1, 2];

    /// <summary>
    /// Horizons in seconds instead of frames (level 1 and every level that gives its own), turned into frames and
    /// windows at <see cref="Fps"/> when the configuration is loaded.
    /// </summary>
    public IReadOnlyList<double>? HorizonSeconds { get; init; }

    /// <summary>Nominal frame rate of the streams, for horizons given in seconds.</summary>
    public double Fps { get; init; } = 10;

    /// <summary>Channels of the level-1 predictor's trunk.</summary>
    public int PredictorChannels { get; init; } = 96;

    /// <summary>Dimension of the latent z at every level (low: z must not carry the whole future).</summary>
    public int LatentDim { get; init; } = 4;

    /// <summary>Scale of the latent candidates searched: 0 and ±scale along each axis.</summary>
    public float LatentScale { get; init; } = 1f;

    /// <summary>R(z) = latentWeight · ‖z‖², added to the energy of every candidate.</summary>
    public float LatentWeight { get; init; } = 0.05f;

    /// <summary>
    /// Level-1 token term of the energy: 0 averages the energies of all tokens; k averages the k highest. An
    /// object a few tokens wide moves the mean of 64 tokens little but the top few a lot, so k makes local
    /// surprises (an intruder, one person going the wrong way) count.
    /// </summary>
    public int EnergyTopTokens { get; init; }

    /// <summary>
    /// Add the frame's global photometry (per-channel mean and spread of the input, embedded) to every level-1 token.
    /// The encoder's group normalisation otherwise divides out each frame's brightness and contrast, so a scene whose
    /// light falls to half is almost invisible to the model. On by default; checkpoints written before this option read
    /// as without it (docs/experiments/2026-12-02-default-composition.md).
    /// </summary>
    public bool GlobalPhotometry { get; init; } = true;

    /// <summary>
    /// Let the level-1 predictor see the photometry in its context too. Off (the default), the predictor's context
    /// tokens are normalised without it while the observed (target) tokens carry it, so the predictor must infer
    /// brightness from content and cannot carry a sudden darkness forward from the frames before: a scene whose light
    /// changed stays surprising for as long as it stays changed. Checkpoints written before this option read as on
    /// (measured in docs/experiments/2026-12-02-photometry-in-context.md).
    /// </summary>
    public bool PhotometryInContext { get; init; }

    /// <summary>
    /// Side, in tokens, of the block hidden around each token for level 1's masked prediction (predicting a token of
    /// the newest frame from the tokens around its block and the frames before): an odd number, or 0 for no masked
    /// prediction. The block must be wider than what an encoder token sees of its neighbours' cells, so that
    /// nothing of the hidden token leaks into the ring that predicts it. Checkpoints written before this option
    /// read as 0.
    /// </summary>
    public int MaskedBlock { get; init; } = 3;

    /// <summary>
    /// Weight of the masked prediction's energy in level 1's energy: the temporal free energy plus this times the
    /// masked token term (and the same for the energy map). 0, the default, uses masked prediction as a training
    /// objective only and scores by the temporal free energy alone, and the masked predictor does not run at
    /// inference (the choice is measured in docs/experiments/2026-12-06-masked-prediction.md).
    /// </summary>
    public float MaskedEnergyWeight { get; init; }

    /// <summary>
    /// What level 2 sees of each frame: its tokens averaged over a grid of this many cells a side, D values per
    /// cell (1, the default, is the frame's pooled vector; 2 keeps which quarter of the picture holds what). Checkpoints
    /// written before this option read as 1.
    /// </summary>
    public int LevelInputGrid { get; init; } = 1;

    /// <summary>Width of one frame's input to level 2: <see cref="Dim"/> per cell of <see cref="LevelInputGrid"/>.</summary>
    [JsonIgnore]
    public int LevelInputDim => Dim * LevelInputGrid * LevelInputGrid;

    /// <summary>Levels above the first (at least one).</summary>
    public IReadOnlyList<TemporalLevelConfig> Levels { get; init; } = [new()];

    /// <summary>Shape of one model input frame (C, H, W).</summary>
    [JsonIgnore]
    public FrameShape InputShape => new(Channels, ImageHeight, ImageWidth);

    /// <summary>Pixels per token side: the stem (4 for ResNet18) times 2 for every encoder layer (the listed ones and the projection).</summary>
    [JsonIgnore]
    public int Stride => (Stem == EncoderStem.ResNet18 ? 4 : 1) << (EncoderChannels.Count + 1);

    /// <summary>Token columns of the level-1 grid.</summary>
    [JsonIgnore]
    public int GridWidth => ImageWidth / Stride;

    /// <summary>Token rows of the level-1 grid.</summary>
    [JsonIgnore]
    public int GridHeight => ImageHeight / Stride;

    /// <summary>Tokens of the level-1 grid.</summary>
    [JsonIgnore]
    public int Tokens => GridWidth * GridHeight;

    /// <summary>Latent candidates searched per prediction: z = 0 and ±scale along each axis.</summary>
    [JsonIgnore]
    public int Candidates => (2 * LatentDim) + 1;

    /// <summary>Number of levels, the first included.</summary>
    [JsonIgnore]
    public int LevelCount => 1 + Levels.Count;

    /// <summary>Turns horizons given in seconds into frames (level 1) and windows (levels above) at <see cref="Fps"/>.</summary>
    public HJepaConfig Resolve()
    {
        var resolved = HorizonSeconds is { Count: > 0 } seconds ? this with { Horizons = Steps(seconds, 1.0 / Fps) } : this;
        var framesPerItem = 1;
        var levels = new List<TemporalLevelConfig>();
        foreach (var level in Levels)
        {
            framesPerItem *= level.Stride;
            levels.Add(level.HorizonSeconds is { Count: > 0 } s ? level with { Horizons = Steps(s, framesPerItem / Fps) } : level);
        }

        return resolved with { Levels = levels };
    }

    private static int[] Steps(IReadOnlyList<double> seconds, double secondsPerStep) =>
        [.. seconds.Select(s => Math.Max(1, (int)Math.Round(s / secondsPerStep))).Distinct().Order()];

    public void Validate(string key, ConfigErrors errors)
    {
        errors.Range($"{key}.imageWidth", ImageWidth, 16, 2048);
        errors.Range($"{key}.imageHeight", ImageHeight, 16, 2048);
        errors.Range($"{key}.channels", Channels, 1, 3);
        if (EncoderChannels.Count is < 1 or > 6 || EncoderChannels.Any(c => c is < 1 or > 4096))
        {
            errors.Add($"{key}.encoderChannels", string.Join(",", EncoderChannels), "must list 1 to 6 channel counts between 1 and 4096");
        }
        else
        {
            CheckSide($"{key}.imageWidth", ImageWidth, errors);
            CheckSide($"{key}.imageHeight", ImageHeight, errors);
        }

        if (Stem == EncoderStem.ResNet18 && Channels != 3)
        {
            errors.Add($"{key}.stem", "resnet18", "takes colour frames: model.channels must be 3");
        }

        errors.Range($"{key}.dim", Dim, 4, 4096);
        errors.Range($"{key}.contextFrames", ContextFrames, 1, 64);
        errors.Range($"{key}.fps", Fps, 0.1, 1000);
        if (HorizonSeconds is { } hs && hs.Any(h => !double.IsFinite(h) || h <= 0 || h > 3600))
        {
            errors.Add($"{key}.horizonSeconds", string.Join(",", hs), "must list positive numbers of seconds (at most 3600)");
        }

        CheckHorizons($"{key}.horizons", Horizons, errors);
        errors.Range($"{key}.predictorChannels", PredictorChannels, 4, 4096);
        errors.Range($"{key}.latentDim", LatentDim, 0, 64);
        errors.Range($"{key}.latentScale", LatentScale, 0, 100);
        errors.Range($"{key}.latentWeight", LatentWeight, 0, 100);
        if (EnergyTopTokens < 0 || (Tokens > 0 && EnergyTopTokens > Tokens))
        {
            errors.Add($"{key}.energyTopTokens", EnergyTopTokens, $"must be 0 (all tokens) or 1 to {Tokens} (the tokens of a {GridWidth}×{GridHeight} grid)");
        }

        if (LevelInputGrid < 1 || (Tokens > 0 && LevelInputGrid > Math.Min(GridWidth, GridHeight)))
        {
            errors.Add($"{key}.levelInputGrid", LevelInputGrid, $"must be 1 (the pooled vector) up to the {GridWidth}×{GridHeight} grid's shorter side");
        }

        if (MaskedBlock != 0 && (MaskedBlock < 1 || MaskedBlock % 2 == 0 || (Tokens > 0 && MaskedBlock >= Math.Min(GridWidth, GridHeight))))
        {
            errors.Add($"{key}.maskedBlock", MaskedBlock, $"must be 0 (no masked prediction) or an odd number of tokens smaller than the {GridWidth}×{GridHeight} grid's shorter side");
        }

        errors.Range($"{key}.maskedEnergyWeight", MaskedEnergyWeight, 0, 100);
        if (Levels.Count == 0)
        {
            errors.Add($"{key}.levels", "[]", "needs at least one level above the first (H-JEPA has two or more levels)");
        }

        for (var i = 0; i < Levels.Count; i++)
        {
            Levels[i].Validate($"{key}.levels[{i}]", errors);
        }
    }

    /// <summary>
    /// Reads the square shorthand <c>imageSize</c> (older configurations and checkpoint headers) as
    /// <c>imageWidth</c> and <c>imageHeight</c>; false when the node gives both forms, which cannot be reconciled.
    /// </summary>
    public static bool ReadSquareSize(JsonObject model)
    {
        if (ConfigOverride.ExistingName(model, "imageSize") is not { } square)
        {
            return true;
        }

        if (ConfigOverride.ExistingName(model, "imageWidth") is not null || ConfigOverride.ExistingName(model, "imageHeight") is not null)
        {
            return false;
        }

        var size = model[square];
        model.Remove(square);
        model["imageWidth"] = size?.DeepClone();
        model["imageHeight"] = size?.DeepClone();
        return true;
    }

    /// <summary>A side must hold a whole number of tokens, at least two.</summary>
    private void CheckSide(string key, int pixels, ConfigErrors errors)
    {
        if (pixels % Stride != 0 || pixels / Stride < 2)
        {
            errors.Add(key, pixels, $"must be a multiple of {Stride} and at least {2 * Stride}: the encoder's {EncoderChannels.Count + 1} stride-2 layers make tokens of {Stride}×{Stride} pixels");
        }
    }

    internal static void CheckHorizons(string key, IReadOnlyList<int> horizons, ConfigErrors errors)
    {
        if (horizons.Count == 0 || horizons.Any(h => h is < 1 or > 256) || horizons.Distinct().Count() != horizons.Count)
        {
            errors.Add(key, string.Join(",", horizons), "must list distinct horizons between 1 and 256");
        }
    }
}
