using StreamJepa.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamJepa.Training.Health;

/// <summary>
/// Collapse telemetry of a batch of embeddings (N, D): the mean per-dimension standard deviation, and the
/// effective rank exp(H(p)) where p are the normalised singular values (Roy and Vetterli 2007). A collapsed
/// representation has std → 0 or effective rank → 1; a healthy one spreads over many dimensions.
/// </summary>
public sealed record EmbeddingHealth(double MeanStd, double MinStd, double EffectiveRank, int Dimensions)
{
    public static EmbeddingHealth Of(Tensor embeddings)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = embeddings.to(float32).cpu();
        var std = x.std(0);
        var centred = x - x.mean([0], keepdim: true);
        var singular = linalg.svdvals(centred);
        var total = singular.sum().item<float>();
        double rank = 1;
        if (total > 1e-12)
        {
            using var sum = total.ToScalar();                              // explicit scalars: see KeptScalars
            using var tiny = 1e-12.ToScalar();
            var p = singular.div(sum);
            var entropy = -(p * p.add(tiny, KeptScalars.One).log()).sum().item<float>();
            rank = Math.Exp(entropy);
        }

        return new EmbeddingHealth(std.mean().item<float>(), std.min().item<float>(), rank, (int)x.shape[1]);
    }
}
