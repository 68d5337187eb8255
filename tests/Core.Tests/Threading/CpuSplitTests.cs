using StreamJepa.Core.Configuration;
using StreamJepa.Core.Threading;

namespace StreamJepa.Core.Tests.Threading;

public sealed class CpuSplitTests
{
    [Fact]
    public void Apart_gives_the_model_the_last_cpus_and_the_decoders_the_rest()
    {
        var split = CpuSplit.Apart(modelThreads: 1, allowed: [0, 1]);

        Assert.Equal([1], split.Model);
        Assert.Equal([0], split.Decoders);
        Assert.Equal("model on CPU 1, decoders on CPU 0", split.ToString());
    }

    [Fact]
    public void Apart_pins_nothing_when_the_model_threads_take_every_cpu()
    {
        Assert.False(CpuSplit.Apart(modelThreads: 2, allowed: [0, 1]).Pinned);
        Assert.False(CpuSplit.Apart(modelThreads: 1, allowed: [3]).Pinned);
    }

    [Fact]
    public void Plan_with_an_empty_list_pins_nothing()
    {
        Assert.Equal(CpuSplit.None, CpuSplit.Plan([], allowed: [0, 1, 2, 3]));
    }

    [Fact]
    public void Plan_with_a_list_uses_it_and_gives_the_decoders_the_other_allowed_cpus()
    {
        var split = CpuSplit.Plan([2, 0], allowed: [0, 1, 2, 3]);

        Assert.Equal([0, 2], split.Model);
        Assert.Equal([1, 3], split.Decoders);
    }

    [Fact]
    public void Plan_refuses_a_cpu_the_process_may_not_use_naming_the_key()
    {
        var error = Assert.Throws<ConfigException>(() => CpuSplit.Plan([5], allowed: [0, 1]));

        Assert.Contains("inference.modelCpus", error.Message, StringComparison.Ordinal);
        Assert.Contains("CPU 5 is not one this process may use (0,1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_refuses_a_list_that_leaves_the_decoders_no_cpu()
    {
        var error = Assert.Throws<ConfigException>(() => CpuSplit.Plan([0, 1], allowed: [0, 1]));

        Assert.Contains("leaves no CPU for the decoders", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pin_restricts_the_calling_thread_to_the_cpus_given()
    {
        var allowed = CpuAffinity.Allowed();
        Assert.NotEmpty(allowed);
        IReadOnlyList<int>? seen = null;
        var pinned = false;
        var thread = new Thread(() =>
        {
            pinned = CpuAffinity.Pin([allowed[^1]]);
            seen = CpuAffinity.Allowed();
        });
        thread.Start();
        thread.Join();

        Assert.Equal(OperatingSystem.IsLinux(), pinned);
        Assert.Equal(OperatingSystem.IsLinux() ? [allowed[^1]] : allowed, seen);
        Assert.Equal(allowed, CpuAffinity.Allowed()); // other threads keep theirs
    }
}
