namespace StreamJepa.Kafka.Tests.Support;

internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("streamjepa-publish-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
