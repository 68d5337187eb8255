using StreamJepa.Core.Configuration;

namespace StreamJepa.Core.Threading;

/// <summary>
/// Which CPUs the model block's thread runs on and which the decoder threads run on, decided once at start-up.
/// On few cores the two stages otherwise preempt each other and thrash each other's caches: measured here, the model
/// thread took twice its standalone time per frame beside eight decoders (BENCHMARKS.md). Empty lists pin nothing.
/// </summary>
public sealed record CpuSplit(IReadOnlyList<int> Model, IReadOnlyList<int> Decoders)
{
    /// <summary>No pinning: every thread may run anywhere.</summary>
    public static CpuSplit None { get; } = new([], []);

    public bool Pinned => Model.Count > 0;

    /// <summary>
    /// <paramref name="modelCpus"/> null (auto): the model gets the last <paramref name="modelThreads"/> CPUs of
    /// <paramref name="allowed"/> and the decoders the rest, when at least one is left for them; an empty list: no
    /// pinning; a list: those CPUs for the model (each must be allowed, and one must be left for the decoders).
    /// </summary>
    public static CpuSplit Plan(IReadOnlyList<int>? modelCpus, int modelThreads, IReadOnlyList<int> allowed)
    {
        if (modelCpus is null)
        {
            return allowed.Count <= modelThreads
                ? None
                : new CpuSplit([.. allowed.Skip(allowed.Count - modelThreads)], [.. allowed.Take(allowed.Count - modelThreads)]);
        }

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

    public override string ToString() =>
        Pinned ? $"model on CPU {Describe(Model)}, decoders on CPU {Describe(Decoders)}" : "no CPU pinning";

    private static string Describe(IReadOnlyList<int> cpus) => string.Join(",", cpus);
}
