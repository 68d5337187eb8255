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
        var options = ConfigLoader.Load(path, [], new Dictionary<string, string>());

        Assert.NotEmpty(options.Sources);

        // Paths resolve relative to the file: every file the repository ships and a config names must be found.
        var named = options.Sources.Select(s => s.Uri).Append(options.Inference.Checkpoint).OfType<string>();
        Assert.All(
            named.Where(p => p.StartsWith(RepoPaths.Root, StringComparison.Ordinal) && !p.Contains("/runs/", StringComparison.Ordinal)),
            p => Assert.True(File.Exists(p), $"{path} names {p}, which does not exist"));
    }
}
