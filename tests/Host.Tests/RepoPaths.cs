namespace StreamJepa.Host.Tests;

/// <summary>Files that ship in the repository, wherever the tests run from.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StreamJepa.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("StreamJepa.sln not found above " + AppContext.BaseDirectory);
    }
}
