using System.Security.Cryptography;
using StreamJepa.Host.Running;
using StreamJepa.Kafka.Configuration;
using StreamJepa.Kafka.Models;
using StreamJepa.Model;
using StreamJepa.Model.Configuration;

namespace StreamJepa.Host.Tests.Running;

public sealed class FleetModelsTests : IDisposable
{
    private static readonly HJepaConfig Small = new()
    {
        ImageWidth = 32,
        ImageHeight = 32,
        EncoderChannels = [8, 8],
        Dim = 16,
        PredictorChannels = 16,
        Levels = [new TemporalLevelConfig { Window = 4, Stride = 2, Dim = 8, Hidden = 16, ContextWindows = 2 }],
    };

    private readonly string _dir = Directory.CreateTempSubdirectory("sj-fleet-models").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_published_version_loads_as_the_model_it_was()
    {
        var fleet = new FleetModels(new ModelTopicOptions { CacheDirectory = Path.Combine(_dir, "cache") }, Small);

        var loaded = fleet.Load(Published(Small, version: 7), out var problem);

        Assert.Null(problem);
        Assert.NotNull(loaded);
        using var model = loaded.Value.Model;
        Assert.Equal(7, loaded.Value.Header.ModelVersion);
        Assert.True(File.Exists(loaded.Value.Path));
    }

    [Fact]
    public void A_version_of_another_architecture_is_refused_naming_the_setting()
    {
        var fleet = new FleetModels(new ModelTopicOptions { CacheDirectory = Path.Combine(_dir, "cache") }, Small);

        var loaded = fleet.Load(Published(Small with { Dim = 24 }, version: 8), out var problem);

        Assert.Null(loaded);
        Assert.Contains("was made for another model", problem, StringComparison.Ordinal);
        Assert.Contains("dim", problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Only_the_newest_versions_stay_in_the_cache()
    {
        var cache = Path.Combine(_dir, "cache");
        var fleet = new FleetModels(new ModelTopicOptions { CacheDirectory = cache }, Small);

        for (var version = 1; version <= 5; version++)
        {
            using var model = fleet.Load(Published(Small, version), out _)!.Value.Model;
        }

        Assert.Equal(FleetModels.Keep, Directory.GetFiles(cache, "model-v*.ckpt").Length);
        Assert.True(File.Exists(Path.Combine(cache, "model-v5.ckpt")));
    }

    private PublishedModel Published(HJepaConfig config, long version)
    {
        var path = Path.Combine(_dir, $"made-{version}.ckpt");
        using (var model = new HJepa(config))
        {
            Checkpoint.Save(path, model, new CheckpointHeader(config, version, 100, DateTimeOffset.UtcNow, []));
        }

        var bytes = File.ReadAllBytes(path);
        return new PublishedModel(version, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), DateTimeOffset.UtcNow);
    }
}
