namespace StreamJepa.Host.Benchmarks;

/// <summary>One way of sharing the CPUs in a benchmark: libtorch intra-op threads, and whether the model thread and the decoders are pinned apart.</summary>
internal sealed record ThreadSplit(int TorchThreads, bool Pinned)
{
    public override string ToString() => Pinned ? $"{TorchThreads} torch, pinned" : $"{TorchThreads} torch";
}
