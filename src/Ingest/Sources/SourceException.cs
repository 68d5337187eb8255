namespace StreamJepa.Ingest.Sources;

/// <summary>A source cannot be opened or read. The message names the source; <see cref="Transient"/> says whether retrying may help.</summary>
public sealed class SourceException : Exception
{
    public SourceException(string streamId, string problem, bool transient = false, Exception? inner = null)
        : base($"source '{streamId}': {problem}", inner)
    {
        StreamId = streamId;
        Transient = transient;
    }

    public SourceException()
        : this("?", "unknown source error")
    {
    }

    public SourceException(string message)
        : this("?", message)
    {
    }

    public SourceException(string message, Exception innerException)
        : this("?", message, false, innerException)
    {
    }

    public string StreamId { get; }

    public bool Transient { get; }
}
