using System.Globalization;

namespace StreamJepa.Kafka.Outbox;

/// <summary>
/// A durable FIFO of messages on disk, in segment files named by a growing number. Records are appended to the
/// newest segment and read from the oldest; a segment is deleted once every record in it was delivered, so a
/// crash replays at most the undelivered part of the segments still on disk (at-least-once). Not thread-safe:
/// its <see cref="Outbox"/> holds the lock.
/// </summary>
internal sealed class Journal : IDisposable
{
    private const long FirstNumber = 1L << 40;
    private const string Extension = ".seg";
    private const string TempExtension = ".seg.tmp";
    private readonly string _directory;
    private readonly string _name;
    private readonly bool _syncEachAppend;
    private readonly int _segmentRecords;
    private readonly List<JournalSegment> _segments = [];
    private int _readIndex;

    public Journal(string directory, string name, bool syncEachAppend, int segmentRecords = 4096)
    {
        _directory = directory;
        _name = name;
        _syncEachAppend = syncEachAppend;
        _segmentRecords = segmentRecords;
        Directory.CreateDirectory(directory);
        CompleteInterruptedRewrite();
        foreach (var path in Directory.GetFiles(directory, $"{name}-*{Extension}").Order(StringComparer.Ordinal))
        {
            var segment = new JournalSegment(NumberOf(path), path) { Sealed = true };
            segment.Written = CountRecords(path);
            _segments.Add(segment);
            Pending += segment.Written;
        }
    }

    /// <summary>Records in every journal of <paramref name="directory"/> (0 when it does not exist), read without changing anything.</summary>
    public static long RecordsIn(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, $"*{Extension}").Sum(CountRecords) : 0;

    /// <summary>Records on disk not yet handed out.</summary>
    public long Pending { get; private set; }

    /// <summary>Records lost to a torn or corrupt tail (a crash while writing).</summary>
    public long Corrupt { get; private set; }

    /// <summary>Bytes the journal's files take on disk.</summary>
    public long Bytes => _segments.Sum(s => File.Exists(s.Path) ? new FileInfo(s.Path).Length : 0);

    public void Append(OutboxItem item)
    {
        var segment = _segments.Count > 0 && !_segments[^1].Sealed ? _segments[^1] : NewSegment();
        segment.Writer ??= new FileStream(segment.Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        segment.Writer.Write(JournalRecord.Encode(item));
        segment.Writer.Flush(flushToDisk: _syncEachAppend);
        segment.Written++;
        Pending++;
        if (segment.Written >= _segmentRecords)
        {
            Seal(segment);
        }
    }

    /// <summary>The oldest record not yet handed out.</summary>
    public bool TryRead(out OutboxItem item)
    {
        while (_readIndex < _segments.Count)
        {
            var segment = _segments[_readIndex];
            if (segment.Read < segment.Written)
            {
                segment.Reader ??= new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (JournalRecord.Read(segment.Reader) is { } record)
                {
                    segment.Read++;
                    segment.Outstanding++;
                    Pending--;
                    record.Segment = segment;
                    item = record;
                    return true;
                }

                Corrupt += segment.Written - segment.Read;
                Pending -= segment.Written - segment.Read;
                segment.Written = segment.Read;
            }

            Seal(segment);
            segment.Reader?.Dispose();
            segment.Reader = null;
            _readIndex++;
            DeleteIfDone(segment);
        }

        item = null!;
        return false;
    }

    /// <summary>A record read from <paramref name="segment"/> was delivered (or given up).</summary>
    public void Delivered(JournalSegment segment)
    {
        segment.Outstanding--;
        DeleteIfDone(segment);
    }

    /// <summary>
    /// At shutdown: writes <paramref name="head"/> (undelivered messages, oldest first) so that it is read before
    /// everything else in the journal, and drops the segments already read from (their undelivered records are in
    /// <paramref name="head"/> or carried over).
    /// </summary>
    public void Prepend(IReadOnlyList<OutboxItem> head)
    {
        var touched = _segments.Where((s, i) => i < _readIndex || s.Read > 0).ToList();
        var items = new List<OutboxItem>(head);
        foreach (var segment in touched.Where(s => s.Read < s.Written))
        {
            segment.Reader ??= new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            while (segment.Read < segment.Written && JournalRecord.Read(segment.Reader) is { } record)
            {
                segment.Read++;
                items.Add(record);
            }
        }

        var untouched = _segments.Except(touched).ToList();
        var number = untouched.Count > 0 ? untouched[0].Number - 1 : (_segments.Count > 0 ? _segments[^1].Number + 1 : FirstNumber);
        var temp = PathOf(number) + ".tmp";
        if (items.Count > 0)
        {
            using var file = new FileStream(temp, FileMode.Create, FileAccess.Write);
            foreach (var item in items)
            {
                file.Write(JournalRecord.Encode(item));
            }

            file.Flush(flushToDisk: true);
        }

        foreach (var segment in touched)
        {
            segment.Dispose();
            File.Delete(segment.Path);
            _segments.Remove(segment);
        }

        _readIndex = 0;
        if (items.Count > 0)
        {
            File.Move(temp, PathOf(number));
            _segments.Insert(0, new JournalSegment(number, PathOf(number)) { Sealed = true, Written = items.Count });
        }

        Pending = _segments.Sum(s => s.Written - s.Read);
    }

    public void Dispose()
    {
        foreach (var segment in _segments)
        {
            segment.Dispose();
        }
    }

    private static long CountRecords(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        long count = 0;
        while (JournalRecord.Read(file) is not null)
        {
            count++;
        }

        return count;
    }

    private static long NumberOf(string path)
    {
        var name = Path.GetFileName(path);
        var digits = name[(name.LastIndexOf('-') + 1)..name.IndexOf('.', StringComparison.Ordinal)];
        return long.Parse(digits, CultureInfo.InvariantCulture);
    }

    private void Seal(JournalSegment segment)
    {
        if (segment.Sealed)
        {
            return;
        }

        segment.Sealed = true;
        segment.Writer?.Flush(flushToDisk: true);
        segment.Writer?.Dispose();
        segment.Writer = null;
    }

    private void DeleteIfDone(JournalSegment segment)
    {
        var index = _segments.IndexOf(segment);
        if (!segment.Done || index < 0 || index >= _readIndex)
        {
            return;
        }

        segment.Dispose();
        File.Delete(segment.Path);
        _segments.RemoveAt(index);
        _readIndex--;
    }

    private JournalSegment NewSegment()
    {
        var number = _segments.Count > 0 ? _segments[^1].Number + 1 : FirstNumber;
        var segment = new JournalSegment(number, PathOf(number));
        _segments.Add(segment);
        return segment;
    }

    private string PathOf(long number) =>
        Path.Combine(_directory, $"{_name}-{number.ToString("D16", CultureInfo.InvariantCulture)}{Extension}");

    /// <summary>
    /// A rewrite that crashed after writing its temporary file: every segment numbered up to it was read before
    /// the rewrite and its undelivered records are in the temporary file.
    /// </summary>
    private void CompleteInterruptedRewrite()
    {
        foreach (var temp in Directory.GetFiles(_directory, $"{_name}-*{TempExtension}"))
        {
            var number = NumberOf(temp);
            foreach (var old in Directory.GetFiles(_directory, $"{_name}-*{Extension}").Where(p => NumberOf(p) <= number))
            {
                File.Delete(old);
            }

            File.Move(temp, temp[..^4]);
        }
    }
}
