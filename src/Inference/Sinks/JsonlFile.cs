using System.Text.Json;

namespace StreamJepa.Inference.Sinks;

/// <summary>
/// A JSON Lines file: one compact JSON value per line, through one reused writer. A file that exists is appended to,
/// so a restart keeps what earlier runs wrote; a last line cut off by a crash is ended first, so that it stays one
/// unreadable line instead of spoiling the next.
/// </summary>
internal sealed class JsonlFile : IAsyncDisposable
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly FileStream _stream;
    private readonly Utf8JsonWriter _json;

    private JsonlFile(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        if (_stream.Length > 0)
        {
            _stream.Seek(-1, SeekOrigin.End);
            var last = _stream.ReadByte();
            _stream.Seek(0, SeekOrigin.End);
            if (last != '\n')
            {
                _stream.Write(NewLine);
            }
        }

        _json = new Utf8JsonWriter(_stream);
    }

    /// <summary>Opens <paramref name="path"/> for the configuration key <paramref name="key"/>; a path that cannot be written stops start-up naming both.</summary>
    public static JsonlFile? Open(string? path, string key)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        try
        {
            return new JsonlFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new Core.Configuration.ConfigException([new Core.Configuration.ConfigError(key, $"\"{path}\"", $"cannot be written: {ex.Message}")]);
        }
    }

    public void Write(Action<Utf8JsonWriter> value)
    {
        value(_json);
        _json.Flush();
        _json.Reset();
        _stream.Write(NewLine);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken) =>
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        await _json.DisposeAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
