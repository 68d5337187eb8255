using System.Globalization;
using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Logging;
using StreamJepa.Configuration;
using StreamJepa.Core.Configuration;
using StreamJepa.Core.Frames;
using StreamJepa.Inference.Engine;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Kafka.Models;
using StreamJepa.Kafka.Sources;
using StreamJepa.Model;
using StreamJepa.Training.Online;

namespace StreamJepa.Host.Running;

/// <summary>
/// <c>streamjepa learn</c>: the fleet's trainer. It reads every stream's frames from the frames topic (in a consumer
/// group of its own, so it sees what all the workers see), learns as the online trainer of <c>run</c> does, and
/// publishes each version it accepts (better on held-back recent frames, not collapsing) to the model topic, where
/// the workers that follow it pick it up. It starts from the newest version already on the topic, so a restarted
/// learner goes on where the fleet is.
/// </summary>
internal sealed class LearnRun(StreamJepaOptions options, TextWriter output, TimeProvider time, ILoggerFactory loggers)
{
    public TimeSpan? Duration { get; init; }

    public TimeSpan SummaryInterval { get; init; } = TimeSpan.FromSeconds(2);

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var kafka = options.Kafka;
        if (kafka.BootstrapServers is not { } bootstrap)
        {
            throw new ConfigException([new ConfigError("kafka.bootstrapServers", null, "learn reads the workers' frames topic and publishes models on the same cluster: set it")]);
        }

        var logger = loggers.CreateLogger<LearnRun>();
        var fleet = new FleetModels(kafka.Models, options.Model);
        (HJepa Model, CheckpointHeader Header, string Path)? newest;
        using (var reader = new ModelFollower(kafka, bootstrap, loggers.CreateLogger<ModelFollower>()))
        {
            var onTopic = reader.CatchUp(TimeSpan.FromSeconds(kafka.Models.CatchUpSeconds));
            newest = onTopic is null ? null : fleet.Load(onTopic, out var problem) ?? Refused(onTopic, problem);
        }

        var (model, header) = newest is { } n ? (n.Model, n.Header) : ModelLoader.Load(options.Inference, options.Model);
        options.ValidateModelInput(model.Config);
        await output.WriteLineAsync(newest is null
            ? $"learn: no usable model on {kafka.Models.Topic}; starting from {options.Inference.Checkpoint ?? "fresh weights"} (version {header.ModelVersion})"
            : $"learn: starting from model version {header.ModelVersion} of {kafka.Models.Topic}").ConfigureAwait(false);

        using var publisher = new ModelPublisher(kafka, bootstrap, loggers.CreateLogger<ModelPublisher>());
        var published = header.ModelVersion;
        void Publish(HJepa accepted, long version)
        {
            using (accepted)
            {
                var path = Path.Combine(kafka.Models.CacheDirectory, $"learnt-v{version}.ckpt");
                try
                {
                    Checkpoint.Save(path, accepted, new CheckpointHeader(accepted.Config, version, header.Step, time.GetUtcNow(), header.EnergyStats));
                    publisher.PublishAsync(version, File.ReadAllBytes(path), CancellationToken.None).GetAwaiter().GetResult();
                    Interlocked.Exchange(ref published, version);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Confluent.Kafka.KafkaException)
                {
                    logger.LogError("learn: could not publish model version {Version}: {Reason}; the workers keep serving the version before it", version, ex.Message);
                }
                finally
                {
                    File.Delete(path);
                }
            }
        }

        using var trainer = new OnlineTrainer(model, header.ModelVersion, options.Training, Publish, loggers.CreateLogger<OnlineTrainer>());
        model.Dispose();
        var streams = new StreamDirectory(time);
        long frames = 0;
        var learner = new ActionBlock<Frame>(
            frame =>
            {
                using (frame)
                {
                    trainer.Offer(frame.Header, frame.Pixels, anomalyOpen: false);
                }

                Interlocked.Increment(ref frames);
                streams.Acknowledge(frame.Header.StreamId, frame.Header.Sequence);
            },
            new ExecutionDataflowBlockOptions { BoundedCapacity = 64 });
        var source = new KafkaFrameSource(kafka with { WorkerGroup = kafka.Models.LearnerGroup });
        using var ingest = new IngestPipeline(options.Ingest, learner, time, loggers, gap => streams.Acknowledge(gap.Stream, gap.Frame), [source], streams);
        foreach (var spec in options.Sources)
        {
            ingest.Add(spec);
        }

        trainer.Start();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }

        string Line() => LineOf(trainer.Stats, Interlocked.Read(ref frames), streams.Streams.Count, Interlocked.Read(ref published));
        using (stop.Token.Register(ingest.Stop))
        {
            var done = ingest.WhenSourcesDoneAsync();
            while (!done.IsCompleted)
            {
                await Task.WhenAny(done, Task.Delay(SummaryInterval, time, CancellationToken.None)).ConfigureAwait(false);
                await output.WriteLineAsync(Line()).ConfigureAwait(false);
            }

            await done.ConfigureAwait(false);
        }

        learner.Complete();
        await learner.Completion.ConfigureAwait(false);
        trainer.Stop();
        await output.WriteLineAsync(Line()).ConfigureAwait(false);
        return ingest.Streams.Any(s => s.Status == StreamStatus.Failed) ? Cli.ExitCodes.SourceFailed : Cli.ExitCodes.Ok;

        (HJepa, CheckpointHeader, string)? Refused(PublishedModel refused, string? problem)
        {
            output.WriteLine($"learn: model version {refused.Version} on {kafka.Models.Topic} cannot be used ({problem})");
            return null;
        }
    }

    private static string LineOf(OnlineTrainerStats stats, long frames, int streams, long published) =>
        string.Create(CultureInfo.InvariantCulture,
            $"learn: {frames} frames from {streams} stream(s), {stats.Steps} steps, {stats.Promotions} accepted (newest published version {published}), {stats.Rejections} rejected{(stats.LastRejection is null ? string.Empty : $" ({stats.LastRejection})")}, replay {stats.ReplayFrames} frames, tap drops {stats.TapDrops}{(stats.Stopped is null ? string.Empty : $"; STOPPED: {stats.Stopped}")}");
}
