namespace StreamJepa.Training;

/// <summary>
/// Training has diverged: <see cref="HJepaTrainer.MaxSkipsInARow"/> steps in a row had a loss or gradient that is not
/// finite (NaN or infinity). Each was skipped before it touched the weights, so the model and every checkpoint
/// written so far hold the last good ones.
/// </summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
