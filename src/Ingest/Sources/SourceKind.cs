namespace StreamJepa.Ingest.Sources;

public enum SourceKind
{
    File,
    Url,
    Camera,
    ImageFolder,
    Synthetic,
}
