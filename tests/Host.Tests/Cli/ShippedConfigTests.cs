using StreamJepa.Configuration;

namespace StreamJepa.Host.Tests.Cli;

public sealed class ShippedConfigTests
{
    /// <summary>Every StreamJepa configuration under deploy/ (the Grafana dashboard there is not one).</summary>
    public static TheoryData<string> Configs => new(Directory.GetFiles(Path.Combine(RepoPaths.Root, "deploy"), "*.json", SearchOption.AllDirectories)
        .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}grafana{Path.DirectorySeparatorChar}", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(Configs))]
    public void ShippedConfig_LoadsAndValidates(string path)
    {
        // The compose and Kubernetes manifests give their configurations the brokers through the environment.
        var deployed = path.Contains($"{Path.DirectorySeparatorChar}compose{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            || path.Contains($"{Path.DirectorySeparatorChar}k8s{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
        var environment = deployed ? new Dictionary<string, string> { ["STREAMJEPA__KAFKA__BOOTSTRAPSERVERS"] = "kafka:9092" } : [];
        var options = ConfigLoader.Load(path, [], environment);

        Assert.NotEmpty(options.Sources);

        // Paths resolve relative to the file: every file the repository ships and a config names must be found.
        var named = options.Sources.Select(s => s.Uri).Append(options.Inference.Checkpoint).OfType<string>();
        Assert.All(
            named.Where(p => p.StartsWith(RepoPaths.Root, StringComparison.Ordinal) && !p.Contains("/runs/", StringComparison.Ordinal)),
            p => Assert.True(File.Exists(p), $"{path} names {p}, which does not exist"));
    }
}
