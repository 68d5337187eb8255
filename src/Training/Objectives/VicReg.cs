using StreamJepa.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamJepa.Training.Objectives;

/// <summary>
/// The VICReg regularisers that keep representations informative without negatives (Bardes, Ponce, LeCun 2022):
/// a hinge on the standard deviation of every dimension over the batch (no dimension may collapse to a constant)
/// and a penalty on the off-diagonal covariance (dimensions may not all carry the same thing).
/// </summary>
public static class VicReg
{
    /// <summary>mean over dimensions of max(0, γ − sqrt(var + ε)) for embeddings (N, D).</summary>
    public static Tensor Variance(Tensor embeddings, double gamma = 1.0, double epsilon = 1e-4)
    {
        using var scope = NewDisposeScope();
        using var eps = epsilon.ToScalar();                                  // explicit scalars: see KeptScalars
        using var g = gamma.ToScalar();
        var std = embeddings.var(0).add(eps, KeptScalars.One).sqrt();                         // (D)
        return std.neg().add(g, KeptScalars.One).clamp_min(KeptScalars.Zero).mean().MoveToOuterDisposeScope();
    }

    /// <summary>Sum of squared off-diagonal covariances divided by D, for embeddings (N, D).</summary>
    public static Tensor Covariance(Tensor embeddings)
    {
        using var scope = NewDisposeScope();
        var (n, d) = (embeddings.shape[0], embeddings.shape[1]);
        var centred = embeddings - embeddings.mean([0], keepdim: true);
        using var samples = Math.Max(1, n - 1).ToScalar();
        using var dims = d.ToScalar();
        var cov = centred.t().matmul(centred).div(samples);                  // (D, D)
        var offDiagonal = cov.Squared().sum() - cov.diagonal().Squared().sum();
        return offDiagonal.div(dims).MoveToOuterDisposeScope();
    }
}
