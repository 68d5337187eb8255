namespace StreamJepa.Training.Online;

/// <summary>
/// A small summary of a replay segment for <see cref="ReplayKeep.Diverse"/>: per channel, the mean of each cell of an
/// 8×8 grid over the segment's frames (what the scene looks like, where) and the mean absolute change between
/// consecutive frames in each cell (where it moves). Pixels, not the model's embeddings: the trainer's model changes
/// every step, and a segment kept for being different must stay different when the weights move.
/// </summary>
internal static class SegmentDescriptor
{
    private const int Cells = 8;

    /// <summary>The descriptor of frames laid out (C, H, W) as <paramref name="shape"/> says: 2·C·8·8 values.</summary>
    public static float[] Of(IReadOnlyList<Half[]> frames, IReadOnlyList<int> shape)
    {
        var (channels, height, width) = (shape[0], shape[1], shape[2]);
        var descriptor = new float[2 * channels * Cells * Cells];
        var motion = channels * Cells * Cells;
        var counts = new int[Cells * Cells];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                counts[(y * Cells / height * Cells) + (x * Cells / width)]++;
            }
        }

        for (var t = 0; t < frames.Count; t++)
        {
            var frame = frames[t];
            var previous = t > 0 ? frames[t - 1] : null;
            for (var c = 0; c < channels; c++)
            {
                for (var y = 0; y < height; y++)
                {
                    var row = (c * height * width) + (y * width);
                    var cellRow = (c * Cells * Cells) + (y * Cells / height * Cells);
                    for (var x = 0; x < width; x++)
                    {
                        var cell = cellRow + (x * Cells / width);
                        var value = (float)frame[row + x];
                        descriptor[cell] += value;
                        if (previous is not null)
                        {
                            descriptor[motion + cell] += Math.Abs(value - (float)previous[row + x]);
                        }
                    }
                }
            }
        }

        for (var i = 0; i < motion; i++)
        {
            var pixels = (float)counts[i % (Cells * Cells)];
            if (pixels == 0)
            {
                continue;       // frames smaller than the grid leave cells empty
            }

            descriptor[i] /= pixels * frames.Count;
            descriptor[motion + i] /= pixels * Math.Max(1, frames.Count - 1);
        }

        return descriptor;
    }

    /// <summary>
    /// The index of the most redundant descriptor: the one whose nearest neighbour is nearest (Euclidean). Of the two
    /// in the closest pair, the older (lower index) goes, so the reservoir follows a scene that changes slowly.
    /// </summary>
    public static int MostRedundant(IReadOnlyList<float[]> descriptors)
    {
        var (best, bestDistance) = (0, double.PositiveInfinity);
        for (var i = 0; i < descriptors.Count; i++)
        {
            for (var j = i + 1; j < descriptors.Count; j++)
            {
                var distance = SquaredDistance(descriptors[i], descriptors[j]);
                if (distance < bestDistance)
                {
                    (best, bestDistance) = (i, distance);
                }
            }
        }

        return best;
    }

    private static double SquaredDistance(float[] a, float[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }
}
