namespace StreamJepa.Benchmarks;

/// <summary>One way of sharing the CPUs in a benchmark: libtorch intra-op threads, and the CPUs the model thread is pinned to (none: unpinned).</summary>
internal sealed record ThreadSplit(int TorchThreads, IReadOnlyList<int> ModelCpus)
{
    public bool Pinned => ModelCpus.Count > 0;

    public bool Equals(ThreadSplit? other) => other is not null && TorchThreads == other.TorchThreads && ModelCpus.SequenceEqual(other.ModelCpus);

    public override int GetHashCode() => HashCode.Combine(TorchThreads, ModelCpus.Count);

    public override string ToString() => Pinned ? $"{TorchThreads} torch, pinned" : $"{TorchThreads} torch";
}
