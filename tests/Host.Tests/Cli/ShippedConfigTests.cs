using StreamJepa.Core.Configuration;

namespace StreamJepa.Host.Tests.Cli;

public sealed class ShippedConfigTests
{
    public static TheoryData<string> Configs => new(Directory.GetFiles(Path.Combine(RepoRoot(), "deploy"), "*.json"));

    [Theory]
    [MemberData(nameof(Configs))]
    public void ShippedConfig_LoadsAndValidates(string path)
    {
        var options = ConfigLoader.Load(path, [], new Dictionary<string, string>());

        Assert.NotEmpty(options.Sources);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StreamJepa.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("StreamJepa.sln not found");
    }
}
