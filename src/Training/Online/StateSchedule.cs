using StreamJepa.Model;

namespace StreamJepa.Training.Online;

/// <summary>Where and how often the trainer writes its state while it learns.</summary>
/// <param name="Path">The checkpoint file (written atomically; older copies kept as NAME.1 …).</param>
/// <param name="Every">Time between writes.</param>
/// <param name="StartStep">The step count of the model the run started from.</param>
/// <param name="EnergyStats">The energy statistics the checkpoint carries.</param>
/// <param name="Keep">Copies kept, the newest included.</param>
public sealed record StateSchedule(string Path, TimeSpan Every, long StartStep, IReadOnlyList<EnergyStats> EnergyStats, int Keep);
