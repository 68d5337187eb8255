using OpenCvSharp;
using StreamJepa.Core.Frames;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Preprocessing;
using StreamJepa.Ingest.Synthetic;
using StreamJepa.Training.Data;
using static TorchSharp.torch;

namespace StreamJepa.Training.Tests;

/// <summary>Frames of synthetic scenes preprocessed to the model input: tensors (N, C, H, W), stores and clips.</summary>
internal static class SceneClips
{
    public static Tensor Frames(int count, int size, int seed = 5)
    {
        var scene = new SyntheticSceneOptions { Seed = seed, Width = 96, Height = 72, Frames = count, AnomalyEvery = 0 };
        using var renderer = new SyntheticScene(scene);
        using var pre = new FramePreprocessor(new IngestOptions { Width = size, Height = size });
        using var mat = new Mat();
        var data = new float[count * pre.Shape.Length];
        for (var i = 0; i < count; i++)
        {
            renderer.Render(mat);
            pre.Process(mat, data.AsSpan(i * pre.Shape.Length, pre.Shape.Length));
        }

        return tensor(data, [count, 3, size, size]);
    }

    /// <summary>Every frame of <paramref name="scene"/> (anomalies included), preprocessed to a square, one array each.</summary>
    public static float[][] Render(SyntheticSceneOptions scene, int size) => Render(scene, size, size);

    /// <summary>Every frame of <paramref name="scene"/> (anomalies included), preprocessed, one array each.</summary>
    public static float[][] Render(SyntheticSceneOptions scene, int width, int height)
    {
        using var renderer = new SyntheticScene(scene);
        using var pre = new FramePreprocessor(new IngestOptions { Width = width, Height = height });
        using var mat = new Mat();
        var frames = new float[scene.Frames][];
        for (var i = 0; i < scene.Frames; i++)
        {
            renderer.Render(mat);
            frames[i] = new float[pre.Shape.Length];
            pre.Process(mat, frames[i]);
        }

        return frames;
    }

    /// <summary>Frames (N, C, H, W) as one stream of a <see cref="FrameStore"/>.</summary>
    public static FrameStore Store(Tensor frames, string stream = "s")
    {
        var n = (int)frames.shape[0];
        var store = new FrameStore(new FrameShape((int)frames.shape[1], (int)frames.shape[2], (int)frames.shape[3]));
        var data = frames.data<float>().ToArray();
        var each = store.Shape.Length;
        for (var i = 0; i < n; i++)
        {
            store.Add(stream, data.AsSpan(i * each, each));
        }

        return store;
    }

    /// <summary>A batch of clips of <paramref name="length"/> consecutive frames starting at random places: (B, T, C, S, S).</summary>
    public static Tensor Sample(Tensor frames, int batch, int length, Random random)
    {
        var starts = Enumerable.Range(0, batch).Select(_ => (long)random.Next((int)frames.shape[0] - length)).ToArray();
        var index = tensor(starts.SelectMany(s => Enumerable.Range(0, length).Select(o => s + o)).ToArray());
        return frames.index_select(0, index).view(batch, length, frames.shape[1], frames.shape[2], frames.shape[3]);
    }
}
