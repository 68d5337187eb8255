using StreamJepa.Core.Configuration;

namespace StreamJepa.Core.Threading;

/// <summary>
/// Which CPUs the model block's thread runs on and which the decoder threads run on, decided once at start-up.
/// On few cores the two stages otherwise preempt each other (BENCHMARKS.md, `bench all`). Empty lists pin nothing.
/// </summary>
public sealed record CpuSplit(IReadOnlyList<int> Model, IReadOnlyList<int> Decoders)
{
    /// <summary>No pinning: every thread may run anywhere.</summary>
    public static CpuSplit None { get; } = new([], []);

    public bool Pinned => Model.Count > 0;

    /// <summary>
    /// The split <c>inference.modelCpus</c> asks for: none when the list is empty, else those CPUs for the model (each
    /// must be one of <paramref name="allowed"/>, and one must be left for the decoders) and the others for the decoders.
    /// </summary>
    public static CpuSplit Plan(IReadOnlyList<int> modelCpus, IReadOnlyList<int> allowed)
    {
        if (modelCpus.Count == 0)
        {
            return None;
        }

        var missing = modelCpus.Where(c => !allowed.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new ConfigException([new ConfigError("inference.modelCpus", $"[{string.Join(",", modelCpus)}]", $"CPU {string.Join(", ", missing)} is not one this process may use ({Describe(allowed)})")]);
        }

        var decoders = allowed.Except(modelCpus).ToList();
        if (decoders.Count == 0)
        {
            throw new ConfigException([new ConfigError("inference.modelCpus", $"[{string.Join(",", modelCpus)}]", $"leaves no CPU for the decoders ({Describe(allowed)}); use [] to pin nothing")]);
        }

        return new CpuSplit([.. modelCpus.Order()], decoders);
    }

    /// <summary>
    /// The model on the last <paramref name="modelThreads"/> CPUs of <paramref name="allowed"/> and the decoders on the
    /// rest, or none when that leaves the decoders nothing.
    /// </summary>
    public static CpuSplit Apart(int modelThreads, IReadOnlyList<int> allowed) =>
        allowed.Count <= modelThreads
            ? None
            : new CpuSplit([.. allowed.Skip(allowed.Count - modelThreads)], [.. allowed.Take(allowed.Count - modelThreads)]);

    public override string ToString() =>
        Pinned ? $"model on CPU {Describe(Model)}, decoders on CPU {Describe(Decoders)}" : "no CPU pinning";

    private static string Describe(IReadOnlyList<int> cpus) => string.Join(",", cpus);
}
