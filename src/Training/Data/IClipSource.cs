using static TorchSharp.torch;

namespace StreamJepa.Training.Data;

/// <summary>Where training clips come from: frames held offline, or the online replay buffer.</summary>
public interface IClipSource
{
    /// <summary>Clips of <paramref name="length"/> consecutive frames: (B, T, C, S, S).</summary>
    Tensor Sample(int batch, int length, Random random);
}
