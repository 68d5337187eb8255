using OpenCvSharp;

namespace StreamJepa.Ingest.Synthetic;

/// <summary>A seeded textured background: coarse colour blobs, finer grain, and a few static structures.</summary>
internal static class SceneBackground
{
    public static Mat Render(int width, int height, int seed)
    {
        var rng = new RNG(unchecked((ulong)seed + 0x9E3779B9UL));
        var background = new Mat(height, width, MatType.CV_8UC3);
        using (var coarse = new Mat(Math.Max(2, height / 24), Math.Max(2, width / 24), MatType.CV_8UC3))
        using (var fine = new Mat(Math.Max(2, height / 4), Math.Max(2, width / 4), MatType.CV_8UC3))
        using (var fineUp = new Mat())
        {
            rng.Fill(coarse, DistributionType.Uniform, InputArray.Create(Scalar.All(60)), InputArray.Create(Scalar.All(170)));
            Cv2.Resize(coarse, background, new Size(width, height), 0, 0, InterpolationFlags.Cubic);
            rng.Fill(fine, DistributionType.Uniform, InputArray.Create(Scalar.All(0)), InputArray.Create(Scalar.All(40)));
            Cv2.Resize(fine, fineUp, new Size(width, height), 0, 0, InterpolationFlags.Linear);
            Cv2.AddWeighted(background, 1.0, fineUp, 1.0, -20, background);
        }

        var structures = new Random(seed ^ 0x51A7);
        for (var i = 0; i < 4; i++)
        {
            var w = structures.Next(width / 10, width / 4);
            var h = structures.Next(height / 12, height / 6);
            var x = structures.Next(0, width - w);
            var y = structures.Next(0, height - h);
            var shade = 30 + structures.Next(60);
            Cv2.Rectangle(background, new Rect(x, y, w, h), new Scalar(shade, shade + 10, shade + 20), -1);
        }

        return background;
    }
}
