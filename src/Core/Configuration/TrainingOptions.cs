namespace StreamJepa.Core.Configuration;

/// <summary>How the model learns: optimiser, the JEPA objective's weights and its anti-collapse mechanisms.</summary>
public sealed record TrainingOptions
{
    public double LearningRate { get; init; } = 1e-3;

    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Frames per training sample batch.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Targets come from an EMA copy of the encoder under stop-gradient (V-JEPA); off = the online encoder itself.</summary>
    public bool Ema { get; init; } = true;

    /// <summary>EMA momentum m in k ← m·k + (1 − m)·q.</summary>
    public double EmaMomentum { get; init; } = 0.99;

    /// <summary>Weight of the VICReg variance hinge (0 switches it off).</summary>
    public double VarianceWeight { get; init; } = 1.0;

    /// <summary>Weight of the VICReg covariance penalty (0 switches it off).</summary>
    public double CovarianceWeight { get; init; } = 0.04;

    internal void Validate(string key, ConfigErrors errors)
    {
        errors.Range($"{key}.learningRate", LearningRate, 1e-7, 1);
        errors.Range($"{key}.weightDecay", WeightDecay, 0, 1);
        errors.Range($"{key}.batchSize", BatchSize, 2, 4096);
        errors.Range($"{key}.emaMomentum", EmaMomentum, 0, 1);
        errors.Range($"{key}.varianceWeight", VarianceWeight, 0, 1000);
        errors.Range($"{key}.covarianceWeight", CovarianceWeight, 0, 1000);
    }
}
