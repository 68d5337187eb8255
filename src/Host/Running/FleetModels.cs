using StreamJepa.Kafka.Configuration;
using StreamJepa.Kafka.Models;
using StreamJepa.Model;
using StreamJepa.Model.Configuration;

namespace StreamJepa.Host.Running;

/// <summary>
/// Model versions from the model topic as checkpoint files: each is written whole (or not at all) to
/// <c>kafka.models.cacheDirectory</c> as <c>model-vN.ckpt</c> (the newest <see cref="Keep"/> kept) and loaded from
/// there, so its checksum and architecture are checked as any checkpoint's are.
/// </summary>
/// <param name="options">The model topic's settings.</param>
/// <param name="expected">The architecture the run serves (null: the checkpoint's own).</param>
internal sealed class FleetModels(ModelTopicOptions options, HJepaConfig? expected)
{
    public const int Keep = 3;

    /// <summary>Loads <paramref name="published"/>; the model with its header and file, or why it cannot be served.</summary>
    public (HJepa Model, CheckpointHeader Header, string Path)? Load(PublishedModel published, out string? problem)
    {
        problem = null;
        string path;
        try
        {
            path = Write(published);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot write it to {options.CacheDirectory} (kafka.models.cacheDirectory): {ex.Message}";
            return null;
        }

        try
        {
            var (model, header) = Checkpoint.Load(path, expected);
            if (header.ModelVersion != published.Version)
            {
                model.Dispose();
                problem = $"its checkpoint says version {header.ModelVersion}, its manifest {published.Version}";
                return null;
            }

            return (model, header, path);
        }
        catch (CheckpointException ex)
        {
            problem = ex.Message;
            return null;
        }
    }

    private string Write(PublishedModel published)
    {
        Directory.CreateDirectory(options.CacheDirectory);
        var path = Path.Combine(options.CacheDirectory, $"model-v{published.Version}.ckpt");
        var aside = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(aside, published.Checkpoint);
            File.Move(aside, path, overwrite: true);
        }
        finally
        {
            File.Delete(aside);
        }

        foreach (var old in new DirectoryInfo(options.CacheDirectory).GetFiles("model-v*.ckpt").OrderByDescending(f => f.LastWriteTimeUtc).Skip(Keep))
        {
            try
            {
                old.Delete();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // An old copy that cannot be removed now is removed with a later version; this one is written.
            }
        }

        return path;
    }
}
