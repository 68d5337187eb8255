using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace StreamJepa.Model;

/// <summary>
/// What the frame encoder gives: a grid of spatial tokens (B, D, Gh, Gw), the pooled vector (B, D), and the tokens the
/// level-1 predictor takes as context (B, D, Gh, Gw) — the same tensor as <see cref="Tokens"/> unless the encoder keeps
/// the frame's photometry out of the context.
/// </summary>
public sealed record FrameRepresentation(Tensor Tokens, Tensor Pooled, Tensor Context) : IDisposable
{
    /// <summary>
    /// What level 2 takes of each frame (B, D·grid²): the tokens averaged over <paramref name="grid"/> × <paramref name="grid"/>
    /// cells, cell-major (D values of the top-left cell first); for a grid of 1, <see cref="Pooled"/> itself.
    /// </summary>
    public Tensor LevelInput(int grid) =>
        grid == 1 ? Pooled : functional.adaptive_avg_pool2d(Tokens, [grid, grid]).permute(0, 2, 3, 1).flatten(1);

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
