using static TorchSharp.torch;
using TorchSharp.Modules;

namespace StreamJepa.Model;

/// <summary>Layer factories that fix what TorchSharp's own leave undone.</summary>
internal static class Layers
{
    /// <summary>
    /// GroupNorm with weight 1 and bias 0. TorchSharp 0.107's GroupNorm leaves both uninitialised (memory from
    /// <c>empty</c>): garbage or NaN outputs depending on what the allocator hands back.
    /// </summary>
    public static GroupNorm GroupNorm(long groups, long channels)
    {
        var norm = nn.GroupNorm(groups, channels);
        using (no_grad())
        {
            norm.weight!.fill_(KeptScalars.One);
            norm.bias!.zero_();
        }

        return norm;
    }
}
