using StreamJepa.Model;
using static TorchSharp.torch;

namespace StreamJepa.Training.Objectives;

/// <summary>
/// The prediction loss trained through the same free-energy minimisation inference uses: for each sample, the best
/// latent candidate's smooth-L1 distance between prediction and target plus R(z), averaged over the batch. Only the
/// minimising candidate receives gradient, so z can explain a future that could have gone several ways, and R(z)
/// keeps it from explaining everything.
/// </summary>
public static class FreeEnergyLoss
{
    /// <summary>Predictions (B, K, …) under K candidates, targets (B, …), regulariser R (K): a scalar.</summary>
    public static Tensor Of(Tensor predicted, Tensor targets, Tensor regulariser)
    {
        var difference = (predicted - targets.unsqueeze(1)).abs();
        var smooth = where(difference.lt(KeptScalars.One), difference.Squared().mul(KeptScalars.Half), difference.sub(KeptScalars.Half));
        var energies = smooth.flatten(2).mean([2]).Plus(regulariser.unsqueeze(0));  // (B, K)
        return energies.min(1).values.mean();
    }
}
