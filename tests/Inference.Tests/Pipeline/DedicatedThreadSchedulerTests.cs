using System.Threading.Tasks.Dataflow;
using StreamJepa.Core.Threading;
using StreamJepa.Inference.Pipeline;

namespace StreamJepa.Inference.Tests.Pipeline;

public sealed class DedicatedThreadSchedulerTests
{
    [Fact]
    public async Task A_block_on_the_scheduler_runs_every_message_on_its_one_thread_restricted_to_its_cpus()
    {
        var cpu = CpuAffinity.Allowed()[^1];
        using var scheduler = new DedicatedThreadScheduler("test-model", [cpu]);
        var seen = new List<(int Thread, IReadOnlyList<int> Cpus)>();
        var block = new ActionBlock<int>(_ => seen.Add((Environment.CurrentManagedThreadId, CpuAffinity.Allowed())), new ExecutionDataflowBlockOptions { TaskScheduler = scheduler, BoundedCapacity = 2 });

        for (var i = 0; i < 50; i++)
        {
            Assert.True(await block.SendAsync(i));
        }

        block.Complete();
        await block.Completion;

        Assert.Equal(50, seen.Count);
        Assert.Single(seen.Select(s => s.Thread).Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, seen[0].Thread);
        Assert.All(seen, s => Assert.Equal(OperatingSystem.IsLinux() ? [cpu] : CpuAffinity.Allowed(), s.Cpus));
        Assert.Equal(OperatingSystem.IsLinux(), scheduler.Pinned);
    }

    [Fact]
    public async Task Without_cpus_the_thread_runs_anywhere_the_process_may()
    {
        using var scheduler = new DedicatedThreadScheduler("test-model", []);
        var cpus = await Task.Factory.StartNew(CpuAffinity.Allowed, CancellationToken.None, TaskCreationOptions.None, scheduler);

        Assert.False(scheduler.Pinned);
        Assert.Equal(CpuAffinity.Allowed(), cpus);
    }

    [Fact]
    public async Task Tasks_queued_after_dispose_still_run()
    {
        var scheduler = new DedicatedThreadScheduler("test-model", []);
        scheduler.Dispose();

        var ran = await Task.Factory.StartNew(() => true, CancellationToken.None, TaskCreationOptions.None, scheduler);

        Assert.True(ran);
    }
}
