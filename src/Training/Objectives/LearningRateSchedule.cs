using StreamJepa.Training.Configuration;

namespace StreamJepa.Training.Objectives;

/// <summary>
/// The learning rate of an offline training run: a linear warm-up from 0 over <c>warmupSteps</c>, then, when
/// <c>finalLearningRate</c> is set, a cosine from <c>learningRate</c> down to it at the end of the run; otherwise
/// constant. Ending on a low rate leaves weights that are not the last noisy step of a constant-rate walk.
/// </summary>
public static class LearningRateSchedule
{
    /// <param name="options">The rates and the warm-up.</param>
    /// <param name="step">Steps already taken in this run (0 for the first).</param>
    /// <param name="progress">Share of the run done before this step, 0 to 1 (steps, epochs or time).</param>
    public static double At(TrainingOptions options, long step, double progress)
    {
        var peak = options.LearningRate;
        if (step < options.WarmupSteps)
        {
            return peak * (step + 1) / (options.WarmupSteps + 1);
        }

        if (options.FinalLearningRate is not { } final)
        {
            return peak;
        }

        var p = Math.Clamp(progress, 0, 1);
        return final + (0.5 * (peak - final) * (1 + Math.Cos(Math.PI * p)));
    }

    /// <summary>The rate online learning in <c>run</c> uses: where the offline schedule ends.</summary>
    public static double Online(TrainingOptions options) => options.FinalLearningRate ?? options.LearningRate;
}
