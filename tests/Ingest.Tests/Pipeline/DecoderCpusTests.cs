using System.Collections.Concurrent;
using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Logging.Abstractions;
using StreamJepa.Core.Frames;
using StreamJepa.Core.Threading;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Pipeline;

namespace StreamJepa.Ingest.Tests.Pipeline;

public sealed class DecoderCpusTests
{
    private static readonly IngestOptions Options = new() { Width = 32, Height = 32 };

    [Fact]
    public async Task Readers_run_on_the_decoder_cpus_and_every_frame_still_arrives()
    {
        var cpu = CpuAffinity.Allowed()[0];
        var target = new AffinityRecorder();
        using var pipeline = new IngestPipeline(Options, target, TimeProvider.System, NullLoggerFactory.Instance) { DecoderCpus = [cpu] };

        var stats = pipeline.Add(new SourceOptions { Id = "a", Uri = "synthetic:seed=1&frames=20&width=64&height=48" });
        pipeline.Add(new SourceOptions { Id = "b", Uri = "synthetic:seed=2&frames=20&width=64&height=48" });
        await pipeline.WhenSourcesDoneAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(StreamStatus.Ended, stats.Status);
        Assert.Equal(40, target.Seen.Count);
        Assert.All(target.Seen, cpus => Assert.Equal(OperatingSystem.IsLinux() ? [cpu] : CpuAffinity.Allowed(), cpus));
    }

    /// <summary>A target that takes every frame on the thread offering it and notes the CPUs that thread may use.</summary>
    private sealed class AffinityRecorder : ITargetBlock<Frame>
    {
        private readonly TaskCompletionSource _done = new();

        public ConcurrentQueue<IReadOnlyList<int>> Seen { get; } = new();

        public Task Completion => _done.Task;

        public DataflowMessageStatus OfferMessage(DataflowMessageHeader messageHeader, Frame messageValue, ISourceBlock<Frame>? source, bool consumeToAccept)
        {
            var frame = consumeToAccept ? source!.ConsumeMessage(messageHeader, this, out _) : messageValue;
            Seen.Enqueue(CpuAffinity.Allowed());
            frame?.Dispose();
            return DataflowMessageStatus.Accepted;
        }

        public void Complete() => _done.TrySetResult();

        public void Fault(Exception exception) => _done.TrySetException(exception);
    }
}
