using System.Diagnostics;
using OpenCvSharp;
using StreamJepa.Configuration;
using StreamJepa.Core.Frames;
using StreamJepa.Inference.Engine;
using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Preprocessing;
using static TorchSharp.torch;

namespace StreamJepa.Benchmarks;

/// <summary>
/// The model alone on frames held in memory (no decoding): the frame encoder by itself, and the whole engine
/// (encode, predict every level, free-energy search over the latent candidates) as the pipeline runs it. The frames
/// are the video's own, decoded and preprocessed once beforehand, so every one is scored as in the pipeline (frames of
/// random bytes would overflow the encoder, be refused as non-finite and skip their prediction).
/// </summary>
internal static class ModelThroughput
{
    private const int Frames = 480;
    private const int HeldFrames = 64;

    public static (double Encoder, double Engine) Measure(StreamJepaOptions options, Device device, string video, int streams)
    {
        var held = Decode(video, options.Ingest);
        var (model, header) = ModelLoader.Load(options.Inference, options.Model);
        using var engine = new HJepaEngine(model, header.ModelVersion, device, options.Inference.MaxBatch, options.Scoring.SceneFrames);
        var shape = new FrameShape(options.Ingest.Channels, options.Ingest.Height, options.Ingest.Width);
        var pool = new FramePool(shape);
        var batch = options.Inference.MaxBatch; // as the pipeline runs when the model is the busy stage
        var total = Frames - (Frames % batch);
        long next = 0;

        Frame[] Batch()
        {
            var frames = new Frame[batch];
            for (var i = 0; i < batch; i++)
            {
                var (stream, sequence) = (next % streams, next / streams);
                var f = pool.Rent(new FrameHeader($"s{stream}", sequence, 0, true, 768, 576, 0));
                held[(int)((sequence + (stream * 7)) % held.Length)].CopyTo(f.Pixels, 0);
                next++;
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
            var outcomes = engine.Process(frames);
            Release(frames);
            if (outcomes.FirstOrDefault(o => o.Error is not null) is { } failed)
            {
                throw new InvalidOperationException($"the model refused a benchmark frame ({failed.Error}): the figure would not be the cost of scoring it");
            }
        }

        return (encoder, total / watch.Elapsed.TotalSeconds);
    }

    /// <summary>The first <see cref="HeldFrames"/> frames of <paramref name="video"/> as model input, or fewer if it is shorter.</summary>
    private static float[][] Decode(string video, IngestOptions ingest)
    {
        using var capture = new VideoCapture(video, VideoCaptureAPIs.FFMPEG);
        using var preprocessor = new FramePreprocessor(ingest);
        using var mat = new Mat();
        var frames = new List<float[]>();
        while (frames.Count < HeldFrames && capture.Read(mat) && !mat.Empty())
        {
            var pixels = new float[preprocessor.Shape.Length];
            preprocessor.Process(mat, pixels);
            frames.Add(pixels);
        }

        return frames.Count > 0 ? [.. frames] : throw new InvalidOperationException($"no frame could be decoded from {video}");
    }
}
