using StreamJepa.Model;
using StreamJepa.Model.Configuration;
using StreamJepa.Training.Configuration;
using StreamJepa.Training.Data;
using static TorchSharp.torch;

namespace StreamJepa.Training.Tests;

public sealed class TrainerStateTests
{
    private static readonly HJepaConfig Config = TinyModel.Config;

    [Fact]
    public void SavedState_ResumesExactlyWhereTrainingStopped()
    {
        random.manual_seed(5);
        using var frames = SceneClips.Frames(60, 32);
        var store = SceneClips.Store(frames);

        var options = new TrainingOptions { BatchSize = 4 };
        using var model = new HJepa(Config);
        using var original = new HJepaTrainer(model, options, CPU);
        for (var i = 0; i < 3; i++)
        {
            original.Step(store, new Random(i));
        }

        using var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            original.SaveState(writer);
        }

        using var other = new HJepa(Config);
        using var resumed = new HJepaTrainer(other, options, CPU);
        saved.Position = 0;
        using (var reader = new BinaryReader(saved))
        {
            resumed.LoadState(reader);
        }

        var expected = original.Step(store, new Random(99));
        var actual = resumed.Step(store, new Random(99));

        Assert.Equal(expected.Select(l => l.Total), actual.Select(l => l.Total), new Close(1e-5));
    }

    [Fact]
    public void Reset_ServesTheGivenWeights_AndLaterStepsStillTrainThem()
    {
        random.manual_seed(6);
        using var frames = SceneClips.Frames(60, 32);
        var store = SceneClips.Store(frames);
        using var model = new HJepa(Config);
        using var trainer = new HJepaTrainer(model, new TrainingOptions { BatchSize = 4 }, CPU);
        for (var i = 0; i < 3; i++)
        {
            trainer.Step(store, new Random(i));
        }

        using var earlier = new HJepa(Config);
        trainer.Reset(earlier);
        using (var served = trainer.ServedModel())
        {
            Assert.Equal(0, MaxDifference(served, earlier));
        }

        trainer.Step(store, new Random(7));

        // The optimiser still holds the reset parameters: a step moves the online predictor away from them.
        using var after = trainer.ServedModel();
        Assert.True(MaxDifference(after, earlier) > 0);
    }

    private static double MaxDifference(HJepa a, HJepa b)
    {
        var theirs = b.state_dict();
        return a.state_dict().Max(p => (p.Value - theirs[p.Key]).abs().max().item<float>());
    }

    [Fact]
    public void JointLevels_HigherLevelLossAlsoTrainsTheFrameEncoder_StopGradientDoesNot()
    {
        random.manual_seed(6);
        using var frames = SceneClips.Frames(60, 32);
        var store = SceneClips.Store(frames);

        using var start = new HJepa(Config);
        var stopGradient = EncoderAfterOneStep(start, store, new TrainingOptions { BatchSize = 4 });
        var joint = EncoderAfterOneStep(start, store, new TrainingOptions { BatchSize = 4, JointLevels = true });
        var again = EncoderAfterOneStep(start, store, new TrainingOptions { BatchSize = 4 });

        Assert.Equal(stopGradient, again);
        Assert.NotEqual(stopGradient, joint);
    }

    private static float[] EncoderAfterOneStep(HJepa start, FrameStore store, TrainingOptions options)
    {
        using var model = new HJepa(Config);
        model.load_state_dict(start.state_dict());
        using var trainer = new HJepaTrainer(model, options, CPU);
        trainer.Step(store, new Random(7));
        return model.Encoder.parameters().First().data<float>().ToArray();
    }

    private sealed class Close(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }
}
