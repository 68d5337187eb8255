namespace StreamJepa.Ingest.Pipeline;

public enum StreamStatus
{
    Starting,
    Running,
    Reconnecting,
    Ended,
    Stopped,
    Failed,
}
