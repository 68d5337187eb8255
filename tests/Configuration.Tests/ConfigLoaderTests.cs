using StreamJepa.Core.Configuration;
using StreamJepa.Ingest.Configuration;

namespace StreamJepa.Configuration.Tests;

public sealed class ConfigLoaderTests : IDisposable
{
    private static readonly Dictionary<string, string> NoEnvironment = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-config").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_NoFileNoOverrides_GivesValidDefaults()
    {
        var options = ConfigLoader.Load(null, [], NoEnvironment);

        Assert.Equal(128, options.Ingest.Width);
        Assert.Empty(options.Sources);
    }

    [Fact]
    public void Load_File_BindsSectionsAndSources()
    {
        var path = Write("""
            {
              // comments are allowed
              "sources": [ { "id": "lobby", "uri": "rtsp://cam/1" }, { "uri": "a.avi", "realtime": true } ],
              "ingest": { "width": 96, "height": 64, "colorOrder": "bgr", "interpolation": "linear" },
            }
            """);

        var options = ConfigLoader.Load(path, [], NoEnvironment);

        Assert.Equal(96, options.Ingest.Width);
        Assert.Equal(64, options.Ingest.Height);
        Assert.Equal(ColorOrder.Bgr, options.Ingest.ColorOrder);
        Assert.Equal(ResizeInterpolation.Linear, options.Ingest.Interpolation);
        Assert.Equal("lobby", options.Sources[0].Id);
        Assert.True(options.Sources[1].Realtime);
    }

    [Fact]
    public void Load_BadWindow_IsTheOneErrorNamed_NotAnImpossibleRangeForMinSamples()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["scoring.window=-1"], NoEnvironment));

        Assert.Equal("scoring.window", Assert.Single(ex.Errors).Key);
        Assert.DoesNotContain("and -1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DottedKafkaProperties_FromSetAndEnvironment_StayOnePropertyAndAString()
    {
        var environment = new Dictionary<string, string> { ["STREAMJEPA__KAFKA__PROPERTIES__SASL__USERNAME"] = "svc" };

        var options = ConfigLoader.Load(null, ["kafka.properties.ssl.ca.location=/etc/ca.pem", "kafka.properties.socket.timeout.ms=5000"], environment);

        Assert.Equal("svc", options.Kafka.Properties["sasl.username"]);
        Assert.Equal("/etc/ca.pem", options.Kafka.Properties["ssl.ca.location"]);
        Assert.Equal("5000", options.Kafka.Properties["socket.timeout.ms"]);
        Assert.Equal(3, options.Kafka.Properties.Count);
    }

    [Fact]
    public void Load_SourceControlReachableFromOtherMachines_NeedsAToken()
    {
        var open = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["metrics.listen=0.0.0.0:9464"], NoEnvironment));
        var shortToken = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["metrics.listen=0.0.0.0:9464", "metrics.token=short"], NoEnvironment));
        var unsetVariable = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["metrics.token=env:SJ_TEST_NO_SUCH_VARIABLE"], NoEnvironment));

        Assert.Contains("metrics.token", open.Message, StringComparison.Ordinal);
        Assert.Contains("at least 16 characters", shortToken.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short", shortToken.Message.Replace("at least", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("SJ_TEST_NO_SUCH_VARIABLE is not set", unsetVariable.Message, StringComparison.Ordinal);
        Assert.NotNull(ConfigLoader.Load(null, ["metrics.listen=0.0.0.0:9464", "metrics.sourceControl=false"], NoEnvironment));
        Assert.NotNull(ConfigLoader.Load(null, ["metrics.listen=0.0.0.0:9464", "metrics.token=0123456789abcdef"], NoEnvironment));
        Assert.NotNull(ConfigLoader.Load(null, ["metrics.listen=[::1]:9464"], NoEnvironment));
    }

    [Fact]
    public void Load_PathsInAFile_AreRelativeToTheFile_OthersAreLeftAlone()
    {
        var path = Write("""
            {
              "sources": [
                { "id": "a", "uri": "clips/a.avi" }, { "id": "b", "uri": "folder:stills" }, { "id": "c", "uri": "rtsp://cam/1" },
                { "id": "d", "uri": "synthetic:seed=3" }, { "id": "e", "uri": "/data/e.avi" }, { "id": "f", "uri": "camera:0" }
              ],
              "inference": { "checkpoint": "../models/m.ckpt" },
              "output": { "scores": "out/scores.jsonl" },
              "training": { "saveTo": "learnt.ckpt" },
              "kafka": { "journalDirectory": "journal" }
            }
            """);

        var options = ConfigLoader.Load(path, ["output.episodes=runs/episodes.jsonl"], NoEnvironment);

        Assert.Equal(
            [Path.Combine(_dir, "clips", "a.avi"), $"folder:{Path.Combine(_dir, "stills")}", "rtsp://cam/1", "synthetic:seed=3", "/data/e.avi", "camera:0"],
            options.Sources.Select(s => s.Uri));
        Assert.Equal(Path.GetFullPath(Path.Combine(_dir, "..", "models", "m.ckpt")), options.Inference.Checkpoint);
        Assert.Equal(Path.Combine(_dir, "out", "scores.jsonl"), options.Output.Scores);
        Assert.Equal("runs/episodes.jsonl", options.Output.Episodes);
        Assert.Equal(Path.Combine(_dir, "learnt.ckpt"), options.Training.SaveTo);
        Assert.Equal(Path.Combine(_dir, "journal"), options.Kafka.JournalDirectory);
    }

    [Fact]
    public void Load_UnknownKey_NamesKeyAndAllowedKeys()
    {
        var path = Write("""{ "ingest": { "widht": 96 } }""");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, [], NoEnvironment));

        Assert.Contains("ingest.widht", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unknown key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("width", ex.Errors[0].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongType_NamesKeyValueAndExpectedType()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["ingest.width=wide"], NoEnvironment));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("ingest.width", error.Key);
        Assert.Equal("\"wide\"", error.Value);
        Assert.Contains("whole number", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadEnumValue_ListsAllowedValues()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["ingest.colorOrder=cmyk"], NoEnvironment));

        Assert.Contains("ingest.colorOrder", ex.Message, StringComparison.Ordinal);
        Assert.Contains("rgb, bgr, gray", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ImpossibleValues_NamesEveryBadKey()
    {
        var ex = Assert.Throws<ConfigException>(() =>
            ConfigLoader.Load(null, ["ingest.width=-5", "ingest.std=[0.2, 0, 0.2]", "ingest.reconnect.maxDelayMs=10"], NoEnvironment));

        Assert.Contains(ex.Errors, e => e is { Key: "ingest.width", Value: "-5" });
        Assert.Contains(ex.Errors, e => e.Key == "ingest.std" && e.Problem.Contains("positive", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Key == "ingest.reconnect.maxDelayMs");
    }

    [Fact]
    public void Load_TrainingAugmentation_BindsAndRefusesANegativeShiftOrLevelZero()
    {
        var options = ConfigLoader.Load(null, ["training.flipClips=false", "training.shiftPixels=3", "training.augmentFromLevel=2"], NoEnvironment);
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["training.shiftPixels=-2", "training.augmentFromLevel=0"], NoEnvironment));
        var defaults = ConfigLoader.Load(null, [], NoEnvironment).Training;

        Assert.False(options.Training.FlipClips);
        Assert.Equal(3, options.Training.ShiftPixels);
        Assert.Equal(2, options.Training.AugmentFromLevel);
        Assert.Equal((true, 8, 1), (defaults.FlipClips, defaults.ShiftPixels, defaults.AugmentFromLevel));
        Assert.Contains(ex.Errors, e => e is { Key: "training.shiftPixels", Value: "-2" });
        Assert.Contains(ex.Errors, e => e is { Key: "training.augmentFromLevel", Value: "0" });
    }

    [Fact]
    public void Load_AlertLevelsLowEnergyWeightsAndFrozenAfter_BindAndRefuseImpossibleValues()
    {
        var options = ConfigLoader.Load(null, ["scoring.alertLevels=[1, 2]", "scoring.lowEnergyWeights=[1.5, 0.5]", "scoring.frozenAfter=0"], NoEnvironment);
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["scoring.alertLevels=[]", "scoring.lowEnergyWeights=[-1]", "scoring.frozenAfter=-2"], NoEnvironment));
        var defaults = ConfigLoader.Load(null, [], NoEnvironment).Scoring;

        Assert.Equal([1, 2], options.Scoring.AlertLevels);
        Assert.Equal([1.5, 0.5], options.Scoring.LowEnergyWeights);
        Assert.Equal([1], defaults.AlertLevels);
        Assert.Empty(defaults.LowEnergyWeights);
        Assert.Equal(0, options.Scoring.FrozenAfter);
        Assert.Equal(5, defaults.FrozenAfter);
        Assert.Contains(ex.Errors, e => e.Key == "scoring.frozenAfter");
        Assert.Contains(ex.Errors, e => e.Key == "scoring.alertLevels");
        Assert.Contains(ex.Errors, e => e.Key == "scoring.lowEnergyWeights" && e.Value!.Contains("-1", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateModelInput_AlertLevelTheModelDoesNotHave_NamesTheKey()
    {
        var options = ConfigLoader.Load(null, ["scoring.alertLevels=[1, 3]"], NoEnvironment);

        var ex = Assert.Throws<ConfigException>(() => options.ValidateModelInput(new StreamJepa.Model.Configuration.HJepaConfig()));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("scoring.alertLevels", error.Key);
        Assert.Contains("level 3; the model has 2 levels", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SceneFrames_DefaultsOnAndRefusesANegativeSpan()
    {
        Assert.Equal(300, ConfigLoader.Load(null, [], NoEnvironment).Scoring.SceneFrames);
        Assert.Equal(0, ConfigLoader.Load(null, ["scoring.sceneFrames=0"], NoEnvironment).Scoring.SceneFrames);
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["scoring.sceneFrames=-1"], NoEnvironment));
        Assert.Equal("scoring.sceneFrames", Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Load_LearningRateSchedule_BindsAndRefusesAFinalRateAboveThePeak()
    {
        var options = ConfigLoader.Load(null, ["training.warmupSteps=100", "training.finalLearningRate=0.0001"], NoEnvironment);
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["training.finalLearningRate=0.01", "training.warmupSteps=-1"], NoEnvironment));

        Assert.Equal(100, options.Training.WarmupSteps);
        Assert.Equal(1e-4, options.Training.FinalLearningRate);
        Assert.Null(ConfigLoader.Load(null, [], NoEnvironment).Training.FinalLearningRate);
        Assert.Contains(ex.Errors, e => e.Key == "training.finalLearningRate" && e.Problem.Contains("learningRate", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e is { Key: "training.warmupSteps", Value: "-1" });
    }

    [Fact]
    public void Load_MeanWithWrongChannelCount_IsRefused()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["ingest.colorOrder=gray"], NoEnvironment));

        Assert.Contains(ex.Errors, e => e.Key == "ingest.mean" && e.Problem.Contains("1 value", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_SourceWithoutUri_SaysItIsRequired()
    {
        var path = Write("""{ "sources": [ { "id": "x" } ] }""");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, [], NoEnvironment));

        Assert.Contains("sources[0].uri", ex.Message, StringComparison.Ordinal);
        Assert.Contains("required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OverridesApplyAfterEnvironmentAfterFile()
    {
        var path = Write("""{ "ingest": { "width": 96, "height": 96 } }""");
        var environment = new Dictionary<string, string> { ["STREAMJEPA__INGEST__WIDTH"] = "64", ["STREAMJEPA__INGEST__HEIGHT"] = "48" };

        var options = ConfigLoader.Load(path, ["ingest.height=32", "sources[0].uri=clip.avi"], environment);

        Assert.Equal(64, options.Ingest.Width);
        Assert.Equal(32, options.Ingest.Height);
        Assert.Equal("clip.avi", options.Sources[0].Uri);
    }

    [Fact]
    public void Load_MissingFile_SaysSo()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Path.Combine(_dir, "nope.json"), [], NoEnvironment));

        Assert.Contains("not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedJson_SaysWhichFile()
    {
        var path = Write("{ \"ingest\": ");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, [], NoEnvironment));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ModelCpus_DefaultPinsNothing_ListBinds_DuplicatesAreRefused()
    {
        Assert.Empty(ConfigLoader.Load(null, [], NoEnvironment).Inference.ModelCpus);
        Assert.Equal([1], ConfigLoader.Load(null, ["inference.modelCpus=[1]"], NoEnvironment).Inference.ModelCpus);

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["inference.modelCpus=[1,1]"], NoEnvironment));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("inference.modelCpus", error.Key);
        Assert.Contains("distinct CPU numbers", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_WithoutEquals_ExplainsTheForm()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigOverride.Split("ingest.width"));

        Assert.Contains("key.path=value", ex.Message, StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
