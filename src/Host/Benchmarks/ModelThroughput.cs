using System.Diagnostics;
using StreamJepa.Core.Configuration;
using StreamJepa.Core.Frames;
using StreamJepa.Inference.Engine;
using static TorchSharp.torch;

namespace StreamJepa.Host.Benchmarks;

/// <summary>
/// The model alone on frames held in memory (no decoding): the frame encoder by itself, and the whole engine
/// (encode, predict every level, free-energy search over the latent candidates) as the pipeline runs it.
/// </summary>
internal static class ModelThroughput
{
    private const int Frames = 480;

    public static (double Encoder, double Engine) Measure(StreamJepaOptions options, Device device, int streams)
    {
        var (model, header) = ModelLoader.Load(options);
        using var engine = new HJepaEngine(model, header.ModelVersion, device, options.Inference.MaxBatch);
        var shape = new FrameShape(options.Ingest.Channels, options.Ingest.Height, options.Ingest.Width);
        var pool = new FramePool(shape);
        var random = new Random(1);
        var batch = Math.Min(options.Inference.MaxBatch, Math.Max(streams, 8));
        var total = Frames - (Frames % batch);
        long next = 0;

        Frame[] Batch()
        {
            var frames = new Frame[batch];
            for (var i = 0; i < batch; i++)
            {
                var f = pool.Rent(new FrameHeader($"s{i % streams}", next / streams, 0, true, 768, 576, 0));
                next++;
                random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.Pixels.AsSpan(0, 64)));
                frames[i] = f;
            }

            return frames;
        }

        static void Release(Frame[] frames)
        {
            foreach (var f in frames)
            {
                f.Dispose();
            }
        }

        // Warm up both paths, then time them.
        for (var w = 0; w < 3; w++)
        {
            var frames = Batch();
            engine.Process(frames);
            Release(frames);
        }

        var pixels = GC.AllocateArray<float>(batch * shape.Length, pinned: true);
        var watch = Stopwatch.StartNew();
        for (var done = 0; done < total; done += batch)
        {
            var frames = Batch();
            for (var i = 0; i < batch; i++)
            {
                frames[i].Pixels.CopyTo(pixels, i * shape.Length);
            }

            using (NewDisposeScope())
            using (inference_mode())
            {
                var input = from_array(pixels).view(batch, shape.Channels, shape.Height, shape.Width).to(device);
                model.Encoder.forward(input);
            }

            Release(frames);
        }

        var encoder = total / watch.Elapsed.TotalSeconds;
        watch.Restart();
        for (var done = 0; done < total; done += batch)
        {
            var frames = Batch();
            engine.Process(frames);
            Release(frames);
        }

        return (encoder, total / watch.Elapsed.TotalSeconds);
    }
}
