using StreamJepa.Model;
using StreamJepa.Training.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamJepa.Training.Objectives;

/// <summary>One level's training loss: prediction + variance·w_var + covariance·w_cov (scalars kept alive, see StreamJepa.Model.KeptScalars).</summary>
public static class TotalLoss
{
    public static Tensor Of(Tensor prediction, Tensor variance, Tensor covariance, TrainingOptions options)
    {
        using var varianceWeight = options.VarianceWeight.ToScalar();
        using var covarianceWeight = options.CovarianceWeight.ToScalar();
        return prediction.Plus(variance.mul(varianceWeight)).Plus(covariance.mul(covarianceWeight));
    }
}
