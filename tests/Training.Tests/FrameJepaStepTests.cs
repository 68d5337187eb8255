using StreamJepa.Model;
using StreamJepa.Model.Configuration;
using StreamJepa.Training.Configuration;
using StreamJepa.Training.Health;
using static TorchSharp.torch;

namespace StreamJepa.Training.Tests;

public sealed class FrameJepaStepTests
{
    private static readonly HJepaConfig Config = new()
    {
        ImageWidth = 32,
        ImageHeight = 32,
        EncoderChannels = [16, 32],
        Dim = 16,
        ContextFrames = 2,
        Horizons = [1],
        PredictorChannels = 32,
        LatentDim = 2,
        Levels = [new TemporalLevelConfig { Window = 4, Stride = 2, Dim = 8, Hidden = 16, ContextWindows = 2 }],
    };

    [Fact]
    public void Steps_OnANormalScene_LowerThePredictionLoss()
    {
        random.manual_seed(11);
        using var frames = SceneClips.Frames(200, 32);
        using var model = new HJepa(Config);
        using var step = new FrameJepaStep(model, new TrainingOptions { LearningRate = 2e-3 }, CPU);
        var rng = new Random(1);

        var losses = Enumerable.Range(0, 80).Select(_ =>
        {
            using var scope = NewDisposeScope();
            return step.Step(SceneClips.Sample(frames, 16, 3, rng)).Prediction;
        }).ToList();

        var first = losses.Take(10).Average();
        var last = losses.TakeLast(10).Average();
        Assert.True(last < 0.7 * first, $"prediction loss {first:0.0000} → {last:0.0000}");
    }

    [Fact]
    public void WithoutAntiCollapseTerms_CollapseDetectorFires_WithThem_ItDoesNot()
    {
        var collapsed = Train(new TrainingOptions { Ema = false, VarianceWeight = 0, CovarianceWeight = 0, LearningRate = 3e-3 });
        var healthy = Train(new TrainingOptions { LearningRate = 3e-3 });

        Assert.True(new CollapseDetector().Check(collapsed) is not null, $"collapsed run: {collapsed}; healthy run: {healthy}");
        Assert.True(new CollapseDetector().Check(healthy) is null, $"healthy run: {healthy}");
    }

    [Fact]
    public void Step_LossNotFinite_IsSkippedBeforeItTouchesTheWeights()
    {
        using var model = new HJepa(Config);
        using var step = new FrameJepaStep(model, new TrainingOptions(), CPU);
        using var clips = full([2L, 3, 3, 32, 32], float.NaN);
        var before = model.parameters().Concat(step.Target.parameters()).Select(p => p.detach().clone()).ToList();

        var losses = step.Step(clips);

        Assert.True(losses.Skipped);
        Assert.True(double.IsNaN(losses.Total));
        Assert.All(model.parameters().Concat(step.Target.parameters()).Zip(before), pair => Assert.True(pair.First.eq(pair.Second).all().item<bool>()));
    }

    [Fact]
    public void Step_WrongClipLength_SaysWhatItNeeds()
    {
        using var model = new HJepa(Config);
        using var step = new FrameJepaStep(model, new TrainingOptions(), CPU);
        using var clips = zeros([2L, 5, 3, 32, 32]);

        var ex = Assert.Throws<ArgumentException>(() => step.Step(clips));

        Assert.Contains("3 frames", ex.Message, StringComparison.Ordinal);
    }

    private static EmbeddingHealth Train(TrainingOptions options)
    {
        random.manual_seed(21);
        using var frames = SceneClips.Frames(200, 32, seed: 9);
        using var model = new HJepa(Config);
        using var step = new FrameJepaStep(model, options, CPU);
        var rng = new Random(2);
        for (var i = 0; i < 120; i++)
        {
            using var scope = NewDisposeScope();
            step.Step(SceneClips.Sample(frames, 16, 3, rng));
        }

        using var evaluation = NewDisposeScope();
        using var _ = no_grad();
        model.eval();
        return EmbeddingHealth.Of(model.Encoder.forward(frames[..128]).Pooled);
    }
}
