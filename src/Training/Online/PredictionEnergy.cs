using StreamJepa.Model;
using static TorchSharp.torch;

namespace StreamJepa.Training.Online;

/// <summary>
/// How well a model predicts clips it did not train on: the mean level-1 free energy of each clip's frames after its
/// context, at every horizon, as inference computes it (token term and pooled term, minimised over the latent
/// candidates with R(z)), divided by the spread of the observed tokens (their variance over clips and positions,
/// averaged over the representation dimension). Each model measures energy in its own representation space, and
/// learning changes that space's scale: while a model learns from fresh weights its tokens spread out, and its raw
/// energies grow as it gets better. Relative to the spread, 0 is a perfect prediction and 1 is as far off as the
/// average token is from the mean one, in any model's units; a collapsed model, whose tokens hardly spread, scores high.
/// </summary>
public static class PredictionEnergy
{
    /// <summary>Mean relative level-1 free energy of <paramref name="model"/> on <paramref name="clips"/> (B, T, C, H, W), T = context + longest horizon.</summary>
    public static double Of(HJepa model, Tensor clips)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var config = model.Config;
        var (b, k) = (clips.shape[0], config.ContextFrames);
        model.eval();
        using var context = model.Encoder.forward(clips[.., ..k].flatten(0, 1));
        var latents = LatentCandidates.Create(config, clips.device);
        var regulariser = LatentCandidates.Regulariser(latents, config.LatentWeight);
        var stacked = context.Context.view(b, k * config.Dim, config.GridHeight, config.GridWidth);
        var predicted = model.Predictor.forward(new PredictorInput(stacked, latents));     // (B, K, H, D, Gh, Gw)
        var total = 0.0;
        for (var h = 0; h < config.Horizons.Count; h++)
        {
            using var observed = model.Encoder.forward(clips[.., k - 1 + config.Horizons[h]]);
            using var energy = Energy.OfFrames(predicted[.., .., h], observed.Tokens, regulariser, config.EnergyTopTokens);
            using var spread = observed.Tokens.var([0, 2, 3]).mean();
            total += energy.Free.mean().item<float>() / Math.Max(spread.item<float>(), 1e-12f);
        }

        return total / config.Horizons.Count;
    }
}
