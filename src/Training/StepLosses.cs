namespace StreamJepa.Training;

/// <summary>The terms of one training step, on the host.</summary>
/// <param name="Total">What was minimised.</param>
/// <param name="Prediction">Free-energy prediction loss: min over z of smooth-L1(prediction, target) + R(z).</param>
/// <param name="Variance">VICReg variance hinge on the pooled embeddings.</param>
/// <param name="Covariance">VICReg covariance penalty on the pooled embeddings.</param>
/// <param name="Health">Spread and effective rank of the level's context embeddings in this step's batch.</param>
/// <param name="PredictorVariance">Variance of the predictor's outputs across the batch (near 0: it predicts a constant).</param>
/// <param name="Skipped">The loss or a gradient was not finite, so the step left the weights as they were.</param>
public sealed record StepLosses(double Total, double Prediction, double Variance, double Covariance, Health.EmbeddingHealth Health, double PredictorVariance, bool Skipped = false)
{
    /// <summary>Masked (spatial) prediction loss of level 1; 0 for a level without one.</summary>
    public double Masked { get; init; }

    /// <summary>A step skipped because its loss or a gradient was not finite: every figure is NaN.</summary>
    public static StepLosses SkippedStep { get; } = new(double.NaN, double.NaN, double.NaN, double.NaN, new Health.EmbeddingHealth(double.NaN, double.NaN, double.NaN, 0), double.NaN, Skipped: true);
}
