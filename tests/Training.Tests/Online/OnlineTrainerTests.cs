using Microsoft.Extensions.Logging.Abstractions;
using StreamJepa.Core.Frames;
using StreamJepa.Model;
using StreamJepa.Model.Configuration;
using StreamJepa.Training.Configuration;
using StreamJepa.Training.Health;
using StreamJepa.Training.Online;
using static TorchSharp.torch;

namespace StreamJepa.Training.Tests.Online;

public sealed class OnlineTrainerTests
{
    private static readonly HJepaConfig Config = TinyModel.Config;

    private static readonly TrainingOptions Fast = new() { BatchSize = 4, StepsPerProposal = 2, CpuShare = 1, ReplayRecent = 64 };

    [Fact]
    public void LiveFrames_TrainAndPromoteNewVersions()
    {
        using var served = new HJepa(Config);
        var promoted = new List<long>();
        using var trainer = new OnlineTrainer(served, 5, Fast, (model, version) => { lock (promoted) { promoted.Add(version); } model.Dispose(); }, NullLogger.Instance);
        trainer.Start();

        Feed(trainer, anomalyOpen: false);
        WaitFor(() => trainer.Stats.Promotions >= 2);

        lock (promoted)
        {
            Assert.Equal([6L, 7L], promoted.Take(2));
        }

        Assert.True(trainer.Stats.Steps >= 4);
        Assert.True(trainer.Stats.Rejections == 0 || trainer.Stats.LastRejection!.Contains("no better", StringComparison.Ordinal), trainer.Stats.LastRejection);
    }

    [Theory]
    [InlineData(true)]      // live frames come first
    [InlineData(false)]     // a replayed file waits for the model: learning takes its share at normal priority
    public void With_live_frames_the_trainer_learns_at_idle_CPU_priority(bool live)
    {
        using var served = new HJepa(Config);
        using var trainer = new OnlineTrainer(served, 5, Fast, (model, _) => model.Dispose(), NullLogger.Instance) { LiveFrames = () => live };
        trainer.Start();

        Feed(trainer, anomalyOpen: false);
        WaitFor(() => trainer.Stats.Steps >= 1);

        Assert.Equal(live, trainer.Stats.IdlePriority);
        if (live)
        {
            Assert.Contains(SchedulingPolicies("online-trainer"), p => p == 5);   // SCHED_IDLE
        }
    }

    [Fact]
    public void A_proposal_that_predicts_held_back_frames_no_better_is_not_served()
    {
        using var served = new HJepa(Config);
        using var trainer = new OnlineTrainer(served, 5, Fast, (model, _) => model.Dispose(), NullLogger.Instance);
        using var same = new HJepa(Config);
        same.load_state_dict(served.state_dict());
        using var scope = NewDisposeScope();
        var clips = randn([4, Config.ContextFrames + Config.Horizons.Max(), Config.Channels, Config.ImageHeight, Config.ImageWidth]);

        var verdict = trainer.CheckPrediction(same, clips);

        Assert.NotNull(verdict);
        Assert.Contains("no better than the served model", verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectedProposal_IsNeverHandedToInference()
    {
        using var served = new HJepa(Config);
        var promoted = 0;
        var refuseAll = new CollapseDetector { RelativeStd = 1e9 };
        using var trainer = new OnlineTrainer(served, 5, Fast, (model, _) => { Interlocked.Increment(ref promoted); model.Dispose(); }, NullLogger.Instance, refuseAll);
        trainer.Start();

        Feed(trainer, anomalyOpen: false);
        WaitFor(() => trainer.Stats.Rejections >= 2);

        Assert.Equal(0, promoted);
        Assert.Contains("std fell", trainer.Stats.LastRejection, StringComparison.Ordinal);
    }

    [Fact]
    public void RollingBackAPromotion_ServesTheReplacedWeightsUnderTheirVersion_AndLearningGoesOn()
    {
        using var served = new HJepa(Config);
        var handed = new List<(long Version, HJepa Model)>();
        OnlineTrainer? trainer = null;
        void Promote(HJepa model, long version)
        {
            lock (handed)
            {
                handed.Add((version, model));
            }

            if (version == 6)
            {
                trainer!.RollBack(6, "it opened too many episodes");
            }
        }

        using (trainer = new OnlineTrainer(served, 5, Fast, Promote, NullLogger.Instance))
        {
            trainer.Start();
            Feed(trainer, anomalyOpen: false);
            WaitFor(() => { lock (handed) { return handed.Count >= 3; } });
            trainer.Stop();
            Assert.Equal(1, trainer.Stats.Rollbacks);
            Assert.Equal("it opened too many episodes", trainer.Stats.LastRollback);
        }

        lock (handed)
        {
            Assert.Equal([6L, 5L, 7L], handed.Take(3).Select(h => h.Version));
            var back = handed[1].Model.state_dict();
            Assert.All(served.state_dict(), p => Assert.True(p.Value.eq(back[p.Key]).all().item<bool>(), p.Key));
            handed.ForEach(h => h.Model.Dispose());
        }
    }

    [Fact]
    public void A_rollback_of_a_version_the_trainer_did_not_promote_changes_nothing()
    {
        using var served = new HJepa(Config);
        var promoted = 0;
        using var trainer = new OnlineTrainer(served, 5, Fast, (model, _) => { Interlocked.Increment(ref promoted); model.Dispose(); }, NullLogger.Instance);
        trainer.RollBack(5, "the model the run started with");
        trainer.Start();
        Thread.Sleep(300);
        trainer.Stop();

        Assert.Equal(0, promoted);
        Assert.Equal(0, trainer.Stats.Rollbacks);
        Assert.Equal(5, trainer.Stats.ServedVersion);
    }

    [Fact]
    public void FramesInsideAnAnomaly_AreNotLearntFrom()
    {
        using var served = new HJepa(Config);
        using var trainer = new OnlineTrainer(served, 0, Fast, (model, _) => model.Dispose(), NullLogger.Instance);
        trainer.Start();

        Feed(trainer, anomalyOpen: true);
        Thread.Sleep(500);

        Assert.Equal(0, trainer.Stats.Steps);
    }

    [Fact]
    public void DivergedTraining_StopsLearningWithTheReason_AndServesNoNewVersion()
    {
        using var served = new HJepa(Config);
        var promoted = 0;
        using var trainer = new OnlineTrainer(served, 5, Fast, (model, _) => { Interlocked.Increment(ref promoted); model.Dispose(); }, NullLogger.Instance);
        trainer.Start();

        Feed(trainer, anomalyOpen: false, poison: float.NaN);
        WaitFor(() => trainer.Stats.Stopped is not null);
        var steps = trainer.Stats.Steps;
        Thread.Sleep(300);

        Assert.Contains("training diverged", trainer.Stats.Stopped, StringComparison.Ordinal);
        Assert.Equal(0, promoted);
        Assert.Equal(steps, trainer.Stats.Steps);
    }

    private static void Feed(OnlineTrainer trainer, bool anomalyOpen, float? poison = null)
    {
        random.manual_seed(3);
        using var frames = SceneClips.Frames(120, 32, seed: 2);
        var data = frames.data<float>().ToArray();
        if (poison is { } value)
        {
            Array.Fill(data, value);
        }

        var each = 3 * 32 * 32;
        for (var i = 0; i < 120; i++)
        {
            trainer.Offer(new FrameHeader("cam", i, i * 100, true, 96, 72, 0), data.AsSpan(i * each, each), anomalyOpen);
            Thread.Sleep(2);
        }
    }

    /// <summary>The Linux scheduling policies of this process's threads named <paramref name="name"/> (field 41 of their stat).</summary>
    private static List<int> SchedulingPolicies(string name) =>
        [.. Directory.GetDirectories("/proc/self/task")
            .Where(t => File.ReadAllText(Path.Combine(t, "comm")).Trim() == name)
            .Select(t => File.ReadAllText(Path.Combine(t, "stat")))
            .Select(stat => int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[38], System.Globalization.CultureInfo.InvariantCulture))];

    private static void WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            Thread.Sleep(20);
        }
    }
}
