using StreamJepa.Core.Configuration;
using StreamJepa.Inference.Configuration;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Kafka.Configuration;
using StreamJepa.Model.Configuration;
using StreamJepa.Training.Configuration;

namespace StreamJepa.Configuration;

/// <summary>The whole configuration, as read from JSON and overridden from the command line or environment.</summary>
public sealed record StreamJepaOptions
{
    public IReadOnlyList<SourceOptions> Sources { get; init; } = [];

    public IngestOptions Ingest { get; init; } = new();

    /// <summary>Model architecture; leave out to take a checkpoint's (or the defaults without one).</summary>
    public HJepaConfig? Model { get; init; }

    public InferenceOptions Inference { get; init; } = new();

    public ScoringOptions Scoring { get; init; } = new();

    public OutputOptions Output { get; init; } = new();

    public TrainingOptions Training { get; init; } = new();

    public KafkaOptions Kafka { get; init; } = new();

    public MetricsOptions Metrics { get; init; } = new();

    /// <summary>Snapshots and clips for every episode; none unless <c>evidence.directory</c> is set.</summary>
    public EvidenceOptions Evidence { get; init; } = new();

    /// <summary>Checks that frames from ingest and the alerting levels fit <paramref name="model"/>; throws naming the keys that disagree.</summary>
    public void ValidateModelInput(HJepaConfig model)
    {
        var errors = new ConfigErrors();
        if (Ingest.Width != model.ImageWidth || Ingest.Height != model.ImageHeight)
        {
            errors.Add("ingest.width", $"{Ingest.Width}x{Ingest.Height}", $"the model takes {model.ImageWidth}x{model.ImageHeight} frames (model.imageWidth, model.imageHeight)");
        }

        if (Ingest.Channels != model.Channels)
        {
            errors.Add("ingest.colorOrder", Ingest.ColorOrder.ToString(), $"gives {Ingest.Channels} channel(s); the model takes {model.Channels} (model.channels)");
        }

        if (model.Stem == EncoderStem.ResNet18 && (Ingest.ColorOrder != ColorOrder.Rgb || Ingest.Mean.Any(m => m != 0.5f) || Ingest.Std.Any(v => v != 0.25f)))
        {
            errors.Add("ingest.colorOrder", Ingest.ColorOrder.ToString(), "model.stem resnet18 takes frames as ingest gives them by default: colorOrder rgb, mean 0.5, std 0.25");
        }

        if (Scoring.AlertLevels.FirstOrDefault(l => l > model.LevelCount) is > 0 and var missing)
        {
            errors.Add("scoring.alertLevels", string.Join(",", Scoring.AlertLevels), $"names level {missing}; the model has {model.LevelCount} levels (the scene level alerts whenever scoring.sceneFrames is above 0)");
        }

        errors.ThrowIfAny();
    }

    /// <summary>Throws <see cref="ConfigException"/> naming every bad key and value.</summary>
    public void Validate()
    {
        var errors = new ConfigErrors();
        for (var i = 0; i < Sources.Count; i++)
        {
            Sources[i].Validate($"sources[{i}]", errors);
        }

        Ingest.Validate("ingest", errors);
        Model?.Validate("model", errors);
        Inference.Validate("inference", errors);
        Scoring.Validate("scoring", errors);
        Training.Validate("training", errors);
        Output.Validate("output", errors);
        Metrics.Validate("metrics", errors);
        Evidence.Validate("evidence", errors);
        if (Output.Has(SinkKind.Kafka))
        {
            Kafka.Validate("kafka", errors);
        }

        errors.ThrowIfAny();
    }
}
