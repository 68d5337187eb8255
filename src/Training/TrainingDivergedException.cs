namespace StreamJepa.Training;

/// <summary>
/// A training step's loss was not finite (NaN or infinity). The step was refused before it touched the weights,
/// so the model and every checkpoint written so far hold the last good ones.
/// </summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
