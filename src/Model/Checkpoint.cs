using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamJepa.Core.Configuration;
using StreamJepa.Model.Configuration;

namespace StreamJepa.Model;

/// <summary>
/// Checkpoint files: a magic tag, a format version, a JSON <see cref="CheckpointHeader"/> (config, model version,
/// step, energy statistics), the served weights in TorchSharp's format, optionally the trainer's state (written and
/// read by the trainer), and the SHA-256 of everything before it, checked before any weight is read (format 3 on).
/// Written to a temporary file, flushed to disk and renamed, so a crash mid-write leaves the previous checkpoint
/// intact; the previous ones can be kept as NAME.1 … NAME.(K-1).
/// </summary>
public static class Checkpoint
{
    public const int FormatVersion = 3;
    private const int FirstChecksummedVersion = 3;
    private const int MaxHeaderBytes = 1 << 20;
    private static readonly byte[] Magic = "SJEPACK\n"u8.ToArray();

    public static void Save(string path, HJepa model, CheckpointHeader header, Action<BinaryWriter>? trainingState = null, int keep = 1)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        RemoveStaleTemporaries(directory, Path.GetFileName(path));
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                var json = JsonSerializer.SerializeToUtf8Bytes(header, ConfigDocument.JsonOptions);
                writer.Write(json.Length);
                writer.Write(json);
                model.save(writer);
                writer.Write(trainingState is not null);
                trainingState?.Invoke(writer);
                writer.Flush();
                stream.Position = 0;
                var checksum = SHA256.HashData(stream);
                stream.Write(checksum);
                stream.Flush(flushToDisk: true);
            }

            Rotate(path, keep);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Reads only the header (cheap: no weights are loaded).</summary>
    public static CheckpointHeader ReadHeader(string path)
    {
        using var stream = OpenRead(path);
        using var reader = new BinaryReader(stream);
        return ReadHeader(reader, path);
    }

    /// <summary>SHA-256 of the whole file at <paramref name="path"/>, as lower-case hex: the name of a checkpoint's exact bytes.</summary>
    public static string FileSha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>
    /// Loads a checkpoint. When <paramref name="expected"/> is given, a checkpoint made for another architecture is
    /// refused with a message naming every differing key.
    /// </summary>
    public static (HJepa Model, CheckpointHeader Header) Load(string path, HJepaConfig? expected = null, Action<BinaryReader>? trainingState = null)
    {
        using var stream = OpenRead(path);
        using var reader = new BinaryReader(stream);
        var header = ReadHeader(reader, path);
        if (header.FormatVersion >= FirstChecksummedVersion)
        {
            VerifyChecksum(stream, path);
        }

        if (expected is not null)
        {
            var differences = ConfigDiff.Between(header.Config, expected);
            if (differences.Count > 0)
            {
                throw new CheckpointException(
                    $"checkpoint {path} was made for another model: " + string.Join("; ", differences) +
                    ". Remove the model section to use the checkpoint's own, or give the checkpoint's values.");
            }
        }

        var model = new HJepa(header.Config);
        try
        {
            model.LoadWeights(reader);
            if (header.FormatVersion >= 2 && reader.ReadBoolean() && trainingState is not null)
            {
                trainingState(reader);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or EndOfStreamException or IOException)
        {
            model.Dispose();
            throw new CheckpointException($"checkpoint {path}: weights do not fit its config: {ex.Message}", ex);
        }

        return (model, header);
    }

    /// <summary>
    /// Deletes the temporary files of earlier writers of the same checkpoint that died mid-write (killed, out of
    /// power): <c>.NAME.PID.tmp</c> whose process no longer runs. A live writer's file is left alone.
    /// </summary>
    private static void RemoveStaleTemporaries(string directory, string name)
    {
        foreach (var file in Directory.EnumerateFiles(directory, $".{name}.*.tmp"))
        {
            var pid = Path.GetFileName(file)[(name.Length + 2)..^4];
            if (int.TryParse(pid, out var id) && id != Environment.ProcessId && !Running(id))
            {
                try
                {
                    File.Delete(file);
                }
                catch (IOException)
                {
                    // Another writer removed or holds it: nothing to clean.
                }
            }
        }
    }

    private static bool Running(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Keeps the previous checkpoints as NAME.1 (newest) … NAME.(keep-1) before a new one takes NAME.</summary>
    private static void Rotate(string path, int keep)
    {
        if (keep <= 1 || !File.Exists(path))
        {
            return;
        }

        File.Delete($"{path}.{keep - 1}");
        for (var i = keep - 2; i >= 1; i--)
        {
            if (File.Exists($"{path}.{i}"))
            {
                File.Move($"{path}.{i}", $"{path}.{i + 1}");
            }
        }

        File.Copy(path, $"{path}.1", overwrite: true);
    }

    /// <summary>
    /// Compares the SHA-256 trailer with the bytes before it and leaves the stream where it was: a checkpoint cut
    /// short or with any byte changed is refused before its weights are read.
    /// </summary>
    private static void VerifyChecksum(FileStream stream, string path)
    {
        var position = stream.Position;
        var length = stream.Length - SHA256.HashSizeInBytes;
        if (length < position)
        {
            throw new CheckpointException($"checkpoint {path} is truncated or damaged: it ends before its weights");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        stream.Position = 0;
        for (var left = length; left > 0;)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                throw new CheckpointException($"checkpoint {path} is truncated or damaged: it ended while being read");
            }

            hash.AppendData(buffer, 0, read);
            left -= read;
        }

        var stored = new byte[SHA256.HashSizeInBytes];
        stream.ReadExactly(stored);
        if (!hash.GetHashAndReset().AsSpan().SequenceEqual(stored))
        {
            throw new CheckpointException($"checkpoint {path} is damaged: its contents do not match the checksum written with them (truncated, or bytes changed on disk or in transfer); use an earlier copy (NAME.1, …) or train again");
        }

        stream.Position = position;
    }

    private static FileStream OpenRead(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointException($"checkpoint not found: {path}");
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    private static CheckpointHeader ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            var magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
            {
                throw new CheckpointException($"{path} is not a StreamJepa checkpoint");
            }

            var version = reader.ReadInt32();
            if (version is < 1 or > FormatVersion)
            {
                throw new CheckpointException($"checkpoint {path} has format version {version}; this build reads versions 1 to {FormatVersion}");
            }

            var length = reader.ReadInt32();
            if (length is <= 0 or > MaxHeaderBytes || length > reader.BaseStream.Length - reader.BaseStream.Position)
            {
                throw new CheckpointException($"checkpoint {path} is damaged: its header claims {length} bytes, and the file has {reader.BaseStream.Length - reader.BaseStream.Position} after it (at most {MaxHeaderBytes} are allowed)");
            }

            var json = JsonNode.Parse(reader.ReadBytes(length)) as JsonObject
                ?? throw new CheckpointException($"checkpoint {path} has an empty header");
            if (json["config"] is JsonObject config)
            {
                // Options newer than the checkpoint read as what the model was trained with before they existed.
                config.TryAdd("globalPhotometry", false);       // no photometry weights
                config.TryAdd("photometryInContext", true);     // the predictor saw the photometry in its context
                config.TryAdd("centredTokens", false);          // the last convolution was padded evenly
                config.TryAdd("maskedBlock", 0);                // no masked predictor
                if (!HJepaConfig.ReadSquareSize(config))          // square input was one imageSize
                {
                    throw new CheckpointException($"checkpoint {path} gives both model.imageSize and model.imageWidth/imageHeight");
                }
            }

            var header = json.Deserialize<CheckpointHeader>(ConfigDocument.JsonOptions)
                ?? throw new CheckpointException($"checkpoint {path} has an empty header");
            return header with { FormatVersion = version };
        }
        catch (Exception ex) when (ex is EndOfStreamException or JsonException)
        {
            throw new CheckpointException($"checkpoint {path} is truncated or damaged: {ex.Message}", ex);
        }
    }
}
