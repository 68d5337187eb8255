using StreamJepa.Core.Configuration;

namespace StreamJepa.Host.Tests.Cli;

public sealed class ShippedConfigTests
{
    public static TheoryData<string> Configs => new(Directory.GetFiles(Path.Combine(RepoPaths.Root, "deploy"), "*.json", SearchOption.AllDirectories));

    [Theory]
    [MemberData(nameof(Configs))]
    public void ShippedConfig_LoadsAndValidates(string path)
    {
        var options = ConfigLoader.Load(path, [], new Dictionary<string, string>());

        Assert.NotEmpty(options.Sources);
    }
}
