using StreamJepa.Model.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamJepa.Model;

/// <summary>
/// The latent values searched when minimising energy over z: z = 0 first, then ±scale along each axis
/// (K = 2·Z + 1), and their regulariser R(z) = weight·‖z‖². Because z = 0 is a candidate, the free energy
/// is never above the energy at z = 0.
/// </summary>
public static class LatentCandidates
{
    /// <summary>Candidates (K, Z).</summary>
    public static Tensor Create(HJepaConfig config, Device device)
    {
        var z = config.LatentDim;
        var values = new float[config.Candidates * z];
        for (var i = 0; i < z; i++)
        {
            values[((1 + (2 * i)) * z) + i] = config.LatentScale;
            values[((2 + (2 * i)) * z) + i] = -config.LatentScale;
        }

        return tensor(values, [config.Candidates, z], device: device);
    }

    /// <summary>R(z) for each candidate row of <paramref name="latents"/> (K, Z): (K).</summary>
    public static Tensor Regulariser(Tensor latents, float weight)
    {
        if (latents.shape[1] == 0)
        {
            return zeros(latents.shape[0], device: latents.device);
        }

        using var w = weight.ToScalar();                                              // explicit: see KeptScalars
        return latents.Squared().sum(1).mul(w);
    }
}
