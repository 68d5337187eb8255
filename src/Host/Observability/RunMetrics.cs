using Prometheus;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Pipeline;
using StreamJepa.Ingest.Evidence;
using StreamJepa.Ingest.Pipeline;
using StreamJepa.Kafka;
using StreamJepa.Training.Online;

namespace StreamJepa.Host.Observability;

/// <summary>
/// The Prometheus metrics of a run, in a registry of its own: per-stream frames, drops, damage, reconnects and
/// errors; decode-to-score latency and surprise per level as histograms; anomaly events; the model version; the
/// online trainer's steps, losses and collapse telemetry; the publisher's queues, journal and circuit; the evidence writer's episodes and memory. Counters and
/// gauges are read from the stages' own statistics when scraped; histograms are fed as results arrive (this is
/// also a result sink).
/// </summary>
internal sealed class RunMetrics : IResultSink
{
    private readonly Histogram _latency;
    private readonly Histogram _surprise;
    private readonly Counter _anomalies;
    private readonly Counter _frames;
    private readonly Counter _dropped;
    private readonly Counter _damaged;
    private readonly Counter _reconnects;
    private readonly Counter _errors;
    private readonly Gauge _streamUp;
    private readonly Gauge _modelVersion;
    private readonly Counter _trainerSteps;
    private readonly Gauge _trainerLoss;
    private readonly Gauge _trainerStd;
    private readonly Gauge _trainerRank;
    private readonly Counter _promotions;
    private readonly Counter _rejections;
    private readonly Counter _rollbacks;
    private readonly Gauge _trainerStopped;
    private readonly Gauge _publisherWaiting;
    private readonly Counter _publisherDelivered;
    private readonly Counter _publisherDropped;
    private readonly Gauge _journalBytes;
    private readonly Gauge _circuitOpen;
    private readonly Gauge _brokerDown;
    private readonly Counter _evidence;
    private readonly Gauge _evidenceKept;
    private readonly Gauge _streamSurprise;
    private readonly Gauge _episodesOpen;
    private Histogram.Child?[] _surpriseByLevel = [];

    public RunMetrics()
    {
        var metrics = Metrics.WithCustomRegistry(Registry);
        _latency = metrics.CreateHistogram("streamjepa_latency_seconds", "Time from a frame's decode to its score.", new HistogramConfiguration
        {
            Buckets = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
        });
        _surprise = metrics.CreateHistogram("streamjepa_surprise", "Surprise (robust z-score of free energy) per level.", new HistogramConfiguration
        {
            LabelNames = ["level"],
            Buckets = [-2, -1, 0, 1, 2, 3, 4, 6, 8, 12, 20],
        });
        _anomalies = metrics.CreateCounter("streamjepa_anomaly_events_total", "Anomaly episode events.", "stream", "event");
        _frames = metrics.CreateCounter("streamjepa_frames_total", "Frames decoded per stream.", "stream");
        _dropped = metrics.CreateCounter("streamjepa_frames_dropped_total", "Frames dropped because the pipeline was behind.", "stream");
        _damaged = metrics.CreateCounter("streamjepa_frames_damaged_total", "Frames that could not be decoded.", "stream");
        _reconnects = metrics.CreateCounter("streamjepa_reconnects_total", "Reconnects of live sources.", "stream");
        _errors = metrics.CreateCounter("streamjepa_source_errors_total", "Source errors (open, read, decode).", "stream");
        _streamUp = metrics.CreateGauge("streamjepa_stream_up", "1 while the stream delivers frames.", "stream", "status");
        _modelVersion = metrics.CreateGauge("streamjepa_model_version", "Version of the weights being served.");
        _trainerSteps = metrics.CreateCounter("streamjepa_trainer_steps_total", "Online training steps.");
        _trainerLoss = metrics.CreateGauge("streamjepa_trainer_loss", "Latest online training loss per level.", "level");
        _trainerStd = metrics.CreateGauge("streamjepa_trainer_embedding_std", "Mean per-dimension spread of the embeddings per level (collapse when near 0).", "level");
        _trainerRank = metrics.CreateGauge("streamjepa_trainer_effective_rank", "Effective rank of the embeddings per level (collapse when near 1).", "level");
        _promotions = metrics.CreateCounter("streamjepa_trainer_promotions_total", "Models promoted to inference.");
        _rejections = metrics.CreateCounter("streamjepa_trainer_rejections_total", "Proposed models rejected (collapse, or no better on held-back recent frames).");
        _rollbacks = metrics.CreateCounter("streamjepa_trainer_rollbacks_total", "Promotions rolled back because the promoted model opened episodes more often than the one it replaced.");
        _trainerStopped = metrics.CreateGauge("streamjepa_trainer_stopped", "1 once online learning has stopped on a failure (inference goes on); the log says why.");
        _publisherWaiting = metrics.CreateGauge("streamjepa_publisher_waiting", "Messages not yet acknowledged: queued, journaled or in flight.", "channel");
        _publisherDelivered = metrics.CreateCounter("streamjepa_publisher_delivered_total", "Messages acknowledged by the broker.", "channel");
        _publisherDropped = metrics.CreateCounter("streamjepa_publisher_dropped_total", "Messages dropped (policy dropOldest).", "channel");
        _journalBytes = metrics.CreateGauge("streamjepa_publisher_journal_bytes", "Bytes of undelivered messages in the journal.", "channel");
        _circuitOpen = metrics.CreateGauge("streamjepa_publisher_circuit_state", "Kafka circuit breaker: 0 closed, 1 half-open, 2 open, 3 isolated.");
        _brokerDown = metrics.CreateGauge("streamjepa_publisher_broker_down", "1 while librdkafka reports all brokers down.");
        _evidence = metrics.CreateCounter("streamjepa_evidence_episodes_total", "Episodes whose evidence was written, dropped (the writer was behind) or failed.", "outcome");
        _evidenceKept = metrics.CreateGauge("streamjepa_evidence_kept_bytes", "Memory the streams' kept pictures hold for evidence.");
        _streamSurprise = metrics.CreateGauge("streamjepa_stream_surprise", "The stream's latest surprise (robust z-score of free energy) per level.", "stream", "level");
        _episodesOpen = metrics.CreateGauge("streamjepa_episodes_open", "1 while the stream has an anomaly episode open.", "stream");
        metrics.CreateGauge("streamjepa_build_info", "The program's version and runtime; always 1.", "version", "runtime")
            .WithLabels(Version, System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription).Set(1);
        DotNetStats.Register(Registry);     // process_* (CPU, memory, threads, open files) and dotnet_* (GC) series
    }

    /// <summary>The program's informational version (its commit when built from a checkout).</summary>
    public static string Version { get; } =
        typeof(RunMetrics).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public bool WantsEmbeddings => false;

    /// <summary>Removes the series of streams the ingest pipeline no longer lists, so /metrics stays bounded.</summary>
    private void ForgetStreams(List<string> gone, HashSet<string> shown)
    {
        foreach (var id in gone)
        {
            foreach (var counter in new[] { _frames, _dropped, _damaged, _reconnects, _errors })
            {
                counter.RemoveLabelled(id);
            }

            foreach (var status in Enum.GetValues<StreamStatus>())
            {
                _streamUp.RemoveLabelled(id, status.ToString().ToLowerInvariant());
            }

            foreach (var labels in _anomalies.GetAllLabelValues().Where(l => l[0] == id).ToList())
            {
                _anomalies.RemoveLabelled(labels);
            }

            foreach (var labels in _streamSurprise.GetAllLabelValues().Where(l => l[0] == id).ToList())
            {
                _streamSurprise.RemoveLabelled(labels);
            }

            _episodesOpen.RemoveLabelled(id);

            shown.Remove(id);
        }
    }

    /// <summary>Reads the stages' statistics before every scrape.</summary>
    public void Watch(Func<IReadOnlyCollection<StreamStats>> streams, InferencePipeline inference, Func<OnlineTrainerStats?> trainer, KafkaPublisher? publisher, EvidenceWriter? evidence = null)
    {
        inference.Latency.Observer = ms => _latency.Observe(ms / 1000);
        var shown = new HashSet<string>(StringComparer.Ordinal);
        Registry.AddBeforeCollectCallback(() =>
        {
            var current = streams();
            ForgetStreams(shown.Except(current.Select(s => s.StreamId)).ToList(), shown);
            foreach (var s in current)
            {
                shown.Add(s.StreamId);
                var latest = inference.Latest.GetValueOrDefault(s.StreamId);
                _episodesOpen.WithLabels(s.StreamId).Set(latest?.Anomaly == true ? 1 : 0);
                foreach (var level in latest?.Levels ?? [])
                {
                    if (level.Surprise is { } surprise && double.IsFinite(surprise))
                    {
                        _streamSurprise.WithLabels(s.StreamId, level.Level.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(surprise);
                    }
                }

                _frames.WithLabels(s.StreamId).IncTo(s.Frames);
                _dropped.WithLabels(s.StreamId).IncTo(s.Dropped);
                _damaged.WithLabels(s.StreamId).IncTo(s.Damaged);
                _reconnects.WithLabels(s.StreamId).IncTo(s.Reconnects);
                _errors.WithLabels(s.StreamId).IncTo(s.Errors);
                foreach (var status in Enum.GetValues<StreamStatus>())
                {
                    _streamUp.WithLabels(s.StreamId, status.ToString().ToLowerInvariant()).Set(s.Status == status ? 1 : 0);
                }
            }

            _modelVersion.Set(inference.ModelVersion);
            if (trainer() is { } t)
            {
                _trainerSteps.IncTo(t.Steps);
                _promotions.IncTo(t.Promotions);
                _rejections.IncTo(t.Rejections);
                _rollbacks.IncTo(t.Rollbacks);
                _trainerStopped.Set(t.Stopped is null ? 0 : 1);
                for (var level = 0; level < (t.LastLosses?.Count ?? 0); level++)
                {
                    var losses = t.LastLosses![level];
                    var label = (level + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    _trainerLoss.WithLabels(label).Set(losses.Total);
                    _trainerStd.WithLabels(label).Set(losses.Health.MeanStd);
                    _trainerRank.WithLabels(label).Set(losses.Health.EffectiveRank);
                }
            }

            if (publisher?.Stats() is { } p)
            {
                foreach (var c in p.Channels)
                {
                    _publisherWaiting.WithLabels(c.Name).Set(c.Waiting);
                    _publisherDelivered.WithLabels(c.Name).IncTo(c.Delivered);
                    _publisherDropped.WithLabels(c.Name).IncTo(c.Dropped);
                    _journalBytes.WithLabels(c.Name).Set(c.JournalBytes);
                }

                _circuitOpen.Set(p.Circuit switch { "Closed" => 0, "HalfOpen" => 1, "Open" => 2, _ => 3 });
                _brokerDown.Set(p.BrokerDown ? 1 : 0);
            }

            if (evidence is not null)
            {
                _evidence.WithLabels("written").IncTo(evidence.Written);
                _evidence.WithLabels("dropped").IncTo(evidence.Dropped);
                _evidence.WithLabels("failed").IncTo(evidence.Failed);
                _evidenceKept.Set(current.Sum(s => s.Evidence?.Bytes ?? 0));
            }
        });
    }

    public void OnScore(FrameScore score)
    {
        foreach (var level in score.Levels)
        {
            if (level.Surprise is { } surprise && double.IsFinite(surprise))
            {
                SurpriseOf(level.Level).Observe(surprise);
            }
        }
    }

    /// <summary>The level's histogram child, looked up once per level rather than per frame.</summary>
    private Histogram.Child SurpriseOf(int level)
    {
        if (level >= _surpriseByLevel.Length)
        {
            Array.Resize(ref _surpriseByLevel, level + 1);
        }

        return _surpriseByLevel[level] ??= _surprise.WithLabels(level.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public void OnGap(FrameGap gap)
    {
    }

    public void OnEmbedding(Embedding embedding)
    {
    }

    public void OnEpisode(AnomalyEpisode episode) => _anomalies.WithLabels(episode.Stream, episode.State).Inc();

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
