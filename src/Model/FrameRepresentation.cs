using static TorchSharp.torch;

namespace StreamJepa.Model;

/// <summary>
/// What the frame encoder gives: a grid of spatial tokens (B, D, Gh, Gw), the pooled vector (B, D), and the tokens the
/// level-1 predictor takes as context (B, D, Gh, Gw) — the same tensor as <see cref="Tokens"/> unless the encoder keeps
/// the frame's photometry out of the context.
/// </summary>
public sealed record FrameRepresentation(Tensor Tokens, Tensor Pooled, Tensor Context) : IDisposable
{
    public void Dispose()
    {
        Tokens.Dispose();
        Pooled.Dispose();
        if (!ReferenceEquals(Context, Tokens))
        {
            Context.Dispose();
        }
    }
}
