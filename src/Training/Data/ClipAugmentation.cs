using TorchSharp;
using static TorchSharp.torch;

namespace StreamJepa.Training.Data;

/// <summary>
/// Views of a training clip that are as normal as the clip itself: mirrored left-right and moved by a few pixels,
/// the same for every frame of a clip, so its motion stays coherent and time keeps its direction. A model trained
/// for thousands of steps on half a minute of one camera otherwise learns those frames by heart: its energy on
/// frames it was trained on falls well below its energy on new frames of the same scene.
/// </summary>
public sealed class ClipAugmentation(bool flip, int shiftPixels)
{
    /// <summary>Augmented clips (B, T, C, H, W) for clips (B, T, C, H, W); the input itself when nothing is on.</summary>
    public Tensor Apply(Tensor clips, Random random)
    {
        if (!flip && shiftPixels == 0)
        {
            return clips;
        }

        using var scope = NewDisposeScope();
        var (height, width) = ((int)clips.shape[^2], (int)clips.shape[^1]);
        var views = new Tensor[clips.shape[0]];
        for (var b = 0; b < views.Length; b++)
        {
            var clip = clips[b];                                              // (T, C, H, W)
            if (flip && random.Next(2) == 1)
            {
                clip = clip.flip(-1);
            }

            if (shiftPixels > 0)
            {
                var (dx, dy) = (random.Next(-shiftPixels, shiftPixels + 1), random.Next(-shiftPixels, shiftPixels + 1));
                var padded = nn.functional.pad(clip, [shiftPixels, shiftPixels, shiftPixels, shiftPixels], PaddingModes.Replicate);
                clip = padded[.., .., (shiftPixels + dy)..(shiftPixels + dy + height), (shiftPixels + dx)..(shiftPixels + dx + width)];
            }

            views[b] = clip;
        }

        return stack(views).MoveToOuterDisposeScope();
    }
}
