using System.Collections.Concurrent;
using StreamJepa.Core.Threading;

namespace StreamJepa.Inference.Pipeline;

/// <summary>
/// Runs every task on one thread of its own, pinned to a set of CPUs: the model block's thread. One thread also
/// keeps TorchSharp's thread-local state (dispose scopes, libgomp's pool) in one place.
/// </summary>
internal sealed class DedicatedThreadScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _tasks = [];
    private readonly Thread _thread;

    public DedicatedThreadScheduler(string name, IReadOnlyList<int> cpus)
    {
        _thread = new Thread(() => Run(cpus)) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Whether the thread is restricted to its CPUs (false where pinning is not possible or none were given).</summary>
    public bool Pinned { get; private set; }

    public override int MaximumConcurrencyLevel => 1;

    public void Dispose()
    {
        _tasks.CompleteAdding();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _tasks.Dispose();
    }

    protected override void QueueTask(Task task)
    {
        try
        {
            _tasks.Add(task);
        }
        catch (InvalidOperationException)
        {
            // Disposed: whatever still arrives (a block winding down) runs on the pool instead of being lost.
            ThreadPool.UnsafeQueueUserWorkItem(_ => TryExecuteTask(task), null);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread == _thread && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => [.. _tasks];

    private void Run(IReadOnlyList<int> cpus)
    {
        Pinned = CpuAffinity.Pin(cpus);
        foreach (var task in _tasks.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
