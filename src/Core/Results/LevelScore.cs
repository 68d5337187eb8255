namespace StreamJepa.Core.Results;

/// <summary>One level's verdict on a frame: energy at z = 0, free energy (min over z) and surprise (robust z-score).</summary>
/// <param name="Level">1 for frames; 2 and above for windows (the latest completed window is reported).</param>
/// <param name="Energy">D(s_y, Pred(s_x, z = 0)) + R(0); null until the level has a prediction to compare.</param>
/// <param name="FreeEnergy">min over z of D(s_y, Pred(s_x, z)) + R(z); never above <paramref name="Energy"/>.</param>
/// <param name="Surprise">Free energy normalised by the stream's running median and MAD; null until known.</param>
public sealed record LevelScore(int Level, double? Energy, double? FreeEnergy, double? Surprise);
