namespace StreamJepa.Ingest.Tests.Support;

/// <summary>Finds files that ship in the repository (sample clips), wherever the tests run from.</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Sample(string name) => Path.Combine(Root, "data", "samples", name);

    private static string FindRoot()
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
