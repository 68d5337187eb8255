using StreamJepa.Core.Configuration;

namespace StreamJepa.Inference.Configuration;

/// <summary>Where and how the model runs, and how frames are batched across streams.</summary>
public sealed record InferenceOptions
{
    /// <summary>auto (CUDA when present, else CPU) | cpu | cuda.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>
    /// libtorch intra-op threads; 0 = half the cores (at least 1), leaving the rest to decoding: on 2 cores one
    /// model thread beside the decoders beat two in every `bench pipeline` run (see BENCHMARKS.md).
    /// </summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// CPUs the model block's thread (and its intra-op threads) are pinned to; the decoder threads get the other CPUs
    /// the process may use. Empty (the default) pins nothing. On a machine the process has to itself, [1] on 2 cores
    /// scored 3–12% more frames/s at 8 streams (BENCHMARKS.md); it is not the default because processes sharing a
    /// machine (several workers, pods on one node) would all pin their models to the same CPUs.
    /// </summary>
    public IReadOnlyList<int> ModelCpus { get; init; } = [];

    /// <summary>libtorch inter-op threads.</summary>
    public int InterOpThreads { get; init; } = 1;

    /// <summary>Most frames in one batch (from any streams).</summary>
    public int MaxBatch { get; init; } = 16;

    /// <summary>A batch is sent when full or when its first frame has waited this long, so slow streams never wait for fast ones.</summary>
    public int BatchTimeoutMs { get; init; } = 20;

    /// <summary>
    /// Most streams that new weights are scored on in shadow at a time, each for a turn long enough for its baseline,
    /// so that the wait before a swap adds at most this many streams' work to the model (0: every stream at once).
    /// </summary>
    public int ShadowStreams { get; init; } = 4;

    /// <summary>Seed of the initial weights when no checkpoint is given (runs without one are reproducible).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checkpoint to load; none starts from freshly initialised weights (model version 0).</summary>
    public string? Checkpoint { get; init; }

    public void Validate(string key, ConfigErrors errors)
    {
        if (Device is not ("auto" or "cpu" or "cuda"))
        {
            errors.Add($"{key}.device", Device, "must be auto, cpu or cuda");
        }

        errors.Range($"{key}.intraOpThreads", IntraOpThreads, 0, 1024);
        errors.Range($"{key}.interOpThreads", InterOpThreads, 1, 1024);
        if (ModelCpus.Any(c => c is < 0 or > 1023) || ModelCpus.Distinct().Count() != ModelCpus.Count)
        {
            errors.Add($"{key}.modelCpus", $"[{string.Join(",", ModelCpus)}]", "must list distinct CPU numbers from 0 to 1023 ([] pins nothing)");
        }

        errors.Range($"{key}.maxBatch", MaxBatch, 1, 4096);
        errors.Range($"{key}.batchTimeoutMs", BatchTimeoutMs, 1, 60_000);
        errors.Range($"{key}.shadowStreams", ShadowStreams, 0, 100_000);
        if (Checkpoint is { Length: 0 })
        {
            errors.Add($"{key}.checkpoint", Checkpoint, "must be a file path (or left out)");
        }
    }
}
