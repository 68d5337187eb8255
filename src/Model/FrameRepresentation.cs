using static TorchSharp.torch;

namespace StreamJepa.Model;

/// <summary>What the frame encoder gives: a grid of spatial tokens (B, D, G, G) and a pooled vector (B, D).</summary>
public sealed record FrameRepresentation(Tensor Tokens, Tensor Pooled) : IDisposable
{
    public void Dispose()
    {
        Tokens.Dispose();
        Pooled.Dispose();
    }
}
