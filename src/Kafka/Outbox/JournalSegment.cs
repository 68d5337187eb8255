namespace StreamJepa.Kafka.Outbox;

/// <summary>One file of a journal: records appended in order, read in order, deleted once all are delivered.</summary>
internal sealed class JournalSegment(long number, string path) : IDisposable
{
    public long Number { get; } = number;

    public string Path { get; } = path;

    public FileStream? Writer { get; set; }

    public FileStream? Reader { get; set; }

    /// <summary>Records in the file.</summary>
    public long Written { get; set; }

    /// <summary>Records handed out for delivery.</summary>
    public long Read { get; set; }

    /// <summary>Records handed out and not yet delivered.</summary>
    public long Outstanding { get; set; }

    /// <summary>No more records will be appended.</summary>
    public bool Sealed { get; set; }

    public bool Done => Sealed && Read == Written && Outstanding == 0;

    public void Dispose()
    {
        Writer?.Flush(flushToDisk: true);
        Writer?.Dispose();
        Writer = null;
        Reader?.Dispose();
        Reader = null;
    }
}
