using StreamJepa.Model;
using StreamJepa.Model.Configuration;

namespace StreamJepa.Host.Running;

/// <summary>
/// The folder of <c>training.stateDirectory</c>: what a run learnt online (served model, version, trainer state) in
/// <c>model.ckpt</c>, with the two copies before it as <c>model.ckpt.1</c> and <c>.2</c>. Each copy is written whole or
/// not at all, so a run killed while writing leaves the copy before it; a run resumes from the newest copy that loads.
/// </summary>
/// <param name="directory">The state folder.</param>
internal sealed class LearntState(string directory)
{
    /// <summary>Copies kept, the newest included.</summary>
    public const int Keep = 3;

    /// <summary>The newest copy's file.</summary>
    public string ModelPath { get; } = Path.Combine(directory, "model.ckpt");

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

        output.WriteLine($"state: nothing to resume in {directory}");
        return null;
    }
}
