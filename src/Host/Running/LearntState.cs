using System.Text.Json;
using StreamJepa.Inference.Scoring;
using StreamJepa.Model;
using StreamJepa.Model.Configuration;

namespace StreamJepa.Host.Running;

/// <summary>
/// The folder of <c>training.stateDirectory</c>: what a run learnt online (served model, version, trainer state) in
/// <c>model.ckpt</c>, with the two copies before it as <c>model.ckpt.1</c> and <c>.2</c>, and every stream's own
/// energy baselines in <c>baselines.json</c>. Each file is written whole or not at all, so a run killed while writing
/// leaves the copy before it; a run resumes from the newest copy that loads.
/// </summary>
/// <param name="directory">The state folder.</param>
internal sealed class LearntState(string directory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Copies kept, the newest included.</summary>
    public const int Keep = 3;

    /// <summary>The newest copy's file.</summary>
    public string ModelPath { get; } = Path.Combine(directory, "model.ckpt");

    /// <summary>The streams' baselines file.</summary>
    public string BaselinesPath { get; } = Path.Combine(directory, "baselines.json");

    /// <summary>Writes the streams' baselines (whole or not at all).</summary>
    public void WriteBaselines(IReadOnlyDictionary<string, StreamBaselines> baselines)
    {
        var aside = $"{BaselinesPath}.{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllBytes(aside, JsonSerializer.SerializeToUtf8Bytes(baselines, Json));
            File.Move(aside, BaselinesPath, overwrite: true);
        }
        finally
        {
            File.Delete(aside);
        }
    }

    /// <summary>The streams' baselines an earlier run kept, or null when there are none or they cannot be read (said on <paramref name="output"/>).</summary>
    public IReadOnlyDictionary<string, StreamBaselines>? ReadBaselines(TextWriter output)
    {
        if (!File.Exists(BaselinesPath))
        {
            return null;
        }

        try
        {
            var kept = JsonSerializer.Deserialize<Dictionary<string, StreamBaselines>>(File.ReadAllBytes(BaselinesPath), Json)
                ?? throw new JsonException("the file holds null");
            output.WriteLine($"state: baselines of {kept.Count} stream(s) kept in {BaselinesPath}");
            return kept;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            output.WriteLine($"state: {BaselinesPath} cannot be read ({ex.Message}); every stream measures its baseline again");
            return null;
        }
    }

    /// <summary>
    /// The newest copy that loads with <paramref name="expected"/> (null: any architecture), and its file; every copy
    /// that does not load is named on <paramref name="output"/> with the reason. Null when none does.
    /// </summary>
    public (HJepa Model, CheckpointHeader Header, string Path)? Resume(HJepaConfig? expected, TextWriter output)
    {
        foreach (var path in Enumerable.Range(0, Keep).Select(i => i == 0 ? ModelPath : $"{ModelPath}.{i}").Where(File.Exists))
        {
            try
            {
                var (model, header) = Checkpoint.Load(path, expected);
                output.WriteLine($"state: resuming model version {header.ModelVersion} (step {header.Step}) from {path}");
                return (model, header, path);
            }
            catch (Exception ex) when (ex is CheckpointException or IOException or InvalidDataException or EndOfStreamException or UnauthorizedAccessException)
            {
                output.WriteLine($"state: {path} cannot be loaded ({ex.Message}); trying an earlier copy");
            }
        }

        output.WriteLine($"state: no learnt model to resume in {directory}");
        return null;
    }
}
