using StreamJepa.Core.Frames;
using StreamJepa.Inference.Engine;
using StreamJepa.Model;
using static TorchSharp.torch;

namespace StreamJepa.Inference.Tests.Engine;

public sealed class HJepaEngineTests
{
    [Fact]
    public void Process_FirstFramesHaveNoEnergy_UntilTheContextHasFilled()
    {
        using var engine = EngineFixture.Engine();

        var outcomes = Enumerable.Range(0, 6).Select(i => Single(engine, EngineFixture.Frame("a", i))).ToList();

        // Context of 2 frames: frames 0 and 1 have no prediction; frame 2 is predicted from 0..1.
        Assert.Null(outcomes[0].Levels[0]);
        Assert.Null(outcomes[1].Levels[0]);
        Assert.All(outcomes.Skip(2), o => Assert.NotNull(o.Levels[0]));
        Assert.All(outcomes.Skip(2), o => Assert.True(o.Levels[0]!.Value.Free <= o.Levels[0]!.Value.Energy + 1e-6));
        Assert.All(outcomes, o => Assert.Equal(16, o.Pooled!.Length));
        Assert.Equal((4, 4), (outcomes[3].EnergyMap!.Rows, outcomes[3].EnergyMap!.Columns));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Process_StreamScoredAloneOrBatchedWithOthers_GivesTheSameScores(int levelInputGrid)
    {
        var config = EngineFixture.Config with { LevelInputGrid = levelInputGrid };
        using var alone = EngineFixture.Engine(config: config);
        using var batched = EngineFixture.Engine(config: config);
        var expected = new List<FrameOutcome>();
        var actual = new List<FrameOutcome>();

        for (var i = 0; i < 30; i++)
        {
            expected.Add(Single(alone, EngineFixture.Frame("a", i)));
        }

        // Batched: stream a interleaved with two others, several frames of a in one batch.
        for (var i = 0; i < 30; i += 3)
        {
            var frames = new List<Frame>();
            for (var j = i; j < i + 3; j++)
            {
                frames.Add(EngineFixture.Frame("b", j));
                frames.Add(EngineFixture.Frame("a", j));
                frames.Add(EngineFixture.Frame("c", j));
            }

            actual.AddRange(Process(batched, frames).Where(o => o.Header.StreamId == "a"));
        }

        Assert.Equal(expected.Select(o => o.Header.Sequence), actual.Select(o => o.Header.Sequence));
        for (var i = 0; i < expected.Count; i++)
        {
            for (var l = 0; l < 2; l++)
            {
                var (e, a) = (expected[i].Levels[l], actual[i].Levels[l]);
                Assert.Equal(e.HasValue, a.HasValue);
                if (e is { } x && a is { } y)
                {
                    Assert.Equal(x.Free, y.Free, 1e-4);
                    Assert.Equal(x.Energy, y.Energy, 1e-4);
                }
            }
        }

        Assert.Contains(actual, o => o.Levels[1] is not null);
    }

    [Fact]
    public void Process_WithASceneLevel_ReportsItAfterTheModelsLevels_AndAChangedSceneRaisesIt()
    {
        using var plain = EngineFixture.Engine();
        using var engine = new HJepaEngine(EngineFixture.Model(3), 1, CPU, 16, sceneFrames: 8);

        var expected = Enumerable.Range(0, 30).Select(i => Single(plain, EngineFixture.Frame("a", i))).ToList();
        var outcomes = Enumerable.Range(0, 30).Select(i => Single(engine, EngineFixture.Frame("a", i))).ToList();
        var changed = Single(engine, EngineFixture.Frame("a", 30, fill: 1f));

        Assert.Equal(3, engine.LevelCount);
        Assert.All(outcomes, o => Assert.Equal(3, o.Levels.Count));
        Assert.All(outcomes.Take(2), o => Assert.Null(o.Levels[2]));
        Assert.All(outcomes.Skip(2), o => Assert.True(o.Fresh[2] && o.Levels[2] is not null));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Levels[0]?.Free, outcomes[i].Levels[0]?.Free);
            Assert.Equal(expected[i].Levels[1]?.Free, outcomes[i].Levels[1]?.Free);
        }

        var normal = outcomes.Skip(10).Max(o => o.Levels[2]!.Value.Free);
        Assert.True(changed.Levels[2]!.Value.Free > 2 * normal, $"a flat grey picture against a moving pattern: {changed.Levels[2]!.Value.Free} vs at most {normal}");
    }

    [Fact]
    public void Process_WithAMaskedEnergyWeight_AddsThatTimesTheMaskedEnergyOfEachFrame()
    {
        using var plain = EngineFixture.Model(seed: 5);
        using var weighted = EngineFixture.Model(seed: 5, EngineFixture.Config with { MaskedEnergyWeight = 2 });
        weighted.load_state_dict(plain.state_dict());
        using var withoutMasked = new HJepaEngine(plain, 1, CPU, 16);
        using var withMasked = new HJepaEngine(weighted, 1, CPU, 16);
        const int frames = 12;

        // Four frames a batch: a frame's context comes from its own batch and from earlier ones. Each pass gets
        // frames of its own (a processed frame is disposed).
        var temporal = Batches().SelectMany(c => Process(withoutMasked, c)).ToList();
        var total = Batches().SelectMany(c => Process(withMasked, c)).ToList();

        var scored = 0;
        for (var i = 0; i < frames; i++)
        {
            if (temporal[i].Levels[0] is not { } t)
            {
                Assert.Null(total[i].Levels[0]);
                continue;
            }

            var masked = MaskedTerm(plain, EngineFixture.Frame("a", i - 1), EngineFixture.Frame("a", i));
            Assert.Equal(t.Free + (2 * masked), total[i].Levels[0]!.Value.Free, 1e-4);
            Assert.Equal(t.Energy + (2 * masked), total[i].Levels[0]!.Value.Energy, 1e-4);
            Assert.True(total[i].EnergyMap!.Energies.Sum() > temporal[i].EnergyMap!.Energies.Sum());
            scored++;
        }

        Assert.True(scored >= 8, $"{scored} frames scored");

        static IEnumerable<Frame[]> Batches() => Enumerable.Range(0, frames).Select(i => EngineFixture.Frame("a", i)).Chunk(4);
    }

    /// <summary>The mean masked energy of frame <paramref name="newest"/> given the one before, computed from the model directly.</summary>
    private static double MaskedTerm(HJepa model, Frame before, Frame newest)
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var input = stack([tensor(before.Pixels.AsSpan(0, before.Shape.Length).ToArray()), tensor(newest.Pixels.AsSpan(0, newest.Shape.Length).ToArray())]).view(2, 3, 32, 32);
        using var representation = model.Encoder.forward(input);
        var context = representation.Context.reshape(1, 2 * 16, 4, 4);
        var predicted = model.Masked!.forward(context);
        return Energy.TokenMap(predicted, representation.Tokens[1..]).mean().item<float>();
    }

    [Fact]
    public void Process_NonFiniteInput_IsReportedNotScored_AndOtherFramesAreFine()
    {
        using var engine = EngineFixture.Engine();
        var bad = EngineFixture.Frame("a", 0);
        bad.Pixels[17] = float.NaN;

        var outcomes = Process(engine, [bad, EngineFixture.Frame("b", 0)]);

        Assert.Contains("non-finite", outcomes[0].Error, StringComparison.Ordinal);
        Assert.Null(outcomes[0].Pooled);
        Assert.Null(outcomes[1].Error);
    }

    [Fact]
    public void Process_NonFiniteWeights_AreReported()
    {
        using var engine = EngineFixture.Engine();
        var broken = EngineFixture.Model(seed: 7);
        using (TorchSharp.torch.no_grad())
        {
            broken.Encoder.parameters().First().fill_(float.PositiveInfinity);
        }

        engine.Shadow(broken, 2);
        engine.PromoteShadow();
        var outcome = Single(engine, EngineFixture.Frame("a", 0));

        Assert.Contains("non-finite representation", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Process_ManyBatches_LeavesNoTensorAlive()
    {
        using var engine = EngineFixture.Engine();
        for (var i = 0; i < 5; i++)
        {
            Process(engine, [EngineFixture.Frame("a", i), EngineFixture.Frame("b", i)]);
        }

        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 5; i < 60; i++)
        {
            Process(engine, [EngineFixture.Frame("a", i), EngineFixture.Frame("b", i)]);
        }

        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Shadow_WeightsScoreBesideTheServedOnes_ThenServeWithTheContextTheyBuilt()
    {
        using var engine = EngineFixture.Engine();
        for (var i = 0; i < 4; i++)
        {
            Single(engine, EngineFixture.Frame("a", i));
        }

        engine.Shadow(EngineFixture.Model(seed: 5), 9);
        var shadowed = Enumerable.Range(4, 4).Select(i => Single(engine, EngineFixture.Frame("a", i))).ToList();
        using var alone = EngineFixture.Engine(seed: 5);
        var fresh = Enumerable.Range(4, 4).Select(i => Single(alone, EngineFixture.Frame("a", i))).ToList();

        // The served weights keep scoring; the shadow ones fill their own context first (two frames, then one ahead).
        Assert.All(shadowed, o => Assert.NotNull(o.Levels[0]));
        Assert.All(shadowed, o => Assert.Equal(9, o.Shadow!.ModelVersion));
        Assert.Null(shadowed[1].Shadow!.Levels[0]);
        for (var i = 2; i < 4; i++)
        {
            // As if the new weights had served alone from the frame they arrived at: no context of the old ones leaks in.
            Assert.Equal(fresh[i].Levels[0]!.Value.Free, shadowed[i].Shadow!.Levels[0]!.Value.Free, 5);
        }
        Assert.Equal((1L, 9L, 4L), (engine.ModelVersion, engine.ShadowVersion!.Value, engine.ShadowFrames));

        engine.PromoteShadow();
        var next = Single(engine, EngineFixture.Frame("a", 8));

        Assert.Equal(9, engine.ModelVersion);
        Assert.Null(engine.ShadowVersion);
        Assert.Null(next.Shadow);
        Assert.NotNull(next.Levels[0]);
    }

    [Fact]
    public void Shadow_WithASceneLevel_StartsFromAMatureMemoryOfTheServedOnesPictures()
    {
        using var engine = new HJepaEngine(EngineFixture.Model(3), 1, CPU, 4, sceneFrames: 20);
        using var alone = new HJepaEngine(EngineFixture.Model(5), 9, CPU, 4, sceneFrames: 20);
        for (var i = 0; i < 60; i++)
        {
            Single(engine, EngineFixture.Frame("a", i));
            Single(alone, EngineFixture.Frame("a", i));
        }

        engine.Shadow(EngineFixture.Model(5), 9);
        var shadowed = Enumerable.Range(60, 5).Select(i => Single(engine, EngineFixture.Frame("a", i)).Shadow!.Levels[2]).ToList();
        var mature = Enumerable.Range(60, 5).Select(i => Single(alone, EngineFixture.Frame("a", i)).Levels[2]).ToList();

        // The new weights' scene level gives energies from their first frame, near what they give with a memory they
        // built themselves over the whole stream (their encoding of ten kept pictures against a running mean of 60 frames).
        for (var i = 0; i < shadowed.Count; i++)
        {
            var (seeded, own) = (shadowed[i]!.Value.Free, mature[i]!.Value.Free);
            Assert.True(Math.Abs(seeded - own) < 0.25 * own, $"frame {60 + i}: {seeded} against {own}");
        }
    }

    [Fact]
    public void Shadow_WithASceneLevel_SeedsOneStreamsMemoryPerBatch()
    {
        using var engine = new HJepaEngine(EngineFixture.Model(3), 1, CPU, 4, sceneFrames: 20);
        for (var i = 0; i < 30; i++)
        {
            Process(engine, [EngineFixture.Frame("a", i), EngineFixture.Frame("b", i), EngineFixture.Frame("c", i)]);
        }

        engine.Shadow(EngineFixture.Model(5), 9);
        var batches = Enumerable.Range(30, 3)
            .Select(i => Process(engine, [EngineFixture.Frame("a", i), EngineFixture.Frame("b", i), EngineFixture.Frame("c", i)]))
            .Select(outcomes => outcomes.Count(o => o.Shadow!.Levels[2] is not null))
            .ToList();

        Assert.Equal([1, 2, 3], batches);
    }

    [Fact]
    public void Shadow_WithShadowStreams_ScoresStreamsInTurns_AndAStreamOutOfTurnStartsItsContextAgainAtTheSwap()
    {
        using var engine = new HJepaEngine(EngineFixture.Model(3), 1, CPU, 4, shadowStreams: 1, shadowTurnFrames: 4);
        for (var i = 0; i < 6; i++)
        {
            Process(engine, [EngineFixture.Frame("a", i), EngineFixture.Frame("b", i)]);
        }

        engine.Shadow(EngineFixture.Model(5), 9);
        var turns = Enumerable.Range(6, 10)
            .Select(i => Process(engine, [EngineFixture.Frame("a", i), EngineFixture.Frame("b", i)]))
            .Select(outcomes => outcomes.Where(o => o.Shadow is not null).Select(o => o.Header.StreamId).Single())
            .ToList();
        engine.PromoteShadow();
        var next = Process(engine, [EngineFixture.Frame("a", 16), EngineFixture.Frame("b", 16)]);

        // One stream at a time, four frames each; after ten batches the first is on its second turn, two frames in.
        var first = turns[0];
        var second = first == "a" ? "b" : "a";
        Assert.Equal([first, first, first, first, second, second, second, second, first, first], turns);
        Assert.NotNull(next.Single(o => o.Header.StreamId == first).Levels[0]);
        Assert.Null(next.Single(o => o.Header.StreamId == second).Levels[0]);   // its context starts again
    }

    [Fact]
    public void Shadow_WeightsThatFail_AreDroppedAndTheServedOnesGoOn()
    {
        using var engine = EngineFixture.Engine();
        var broken = EngineFixture.Model(seed: 7);
        engine.Shadow(broken, 2);
        broken.Dispose();                      // any failure inside the shadow lane

        var outcome = Single(engine, EngineFixture.Frame("a", 0));

        Assert.Null(outcome.Error);
        Assert.Null(outcome.Shadow);
        Assert.Null(engine.ShadowVersion);
        Assert.Contains("model version 2 failed in shadow", engine.TakeShadowFailure(), StringComparison.Ordinal);
        Assert.Null(engine.TakeShadowFailure());
    }

    [Fact]
    public void Process_CountsPicturesRepeatedExactly_PerStream_AcrossAndWithinBatches()
    {
        using var engine = EngineFixture.Engine();

        // Stream a shows frame 0, then frame 1 four times, then frame 2; stream b moves on every frame beside it.
        long[] shown = [0, 1, 1, 1, 1, 2];
        var outcomes = Process(engine, [.. shown.Take(3).SelectMany((k, i) => new[] { EngineFixture.Frame("a", k), EngineFixture.Frame("b", i) })])
            .Concat(Process(engine, [.. shown.Skip(3).SelectMany((k, i) => new[] { EngineFixture.Frame("a", k), EngineFixture.Frame("b", i + 3) })]))
            .ToList();

        Assert.Equal([0, 0, 1, 2, 3, 0], outcomes.Where(o => o.Header.StreamId == "a").Select(o => o.Repeats));
        Assert.All(outcomes.Where(o => o.Header.StreamId == "b"), o => Assert.Equal(0, o.Repeats));
    }

    private static FrameOutcome Single(HJepaEngine engine, Frame frame) => Process(engine, [frame])[0];

    private static IReadOnlyList<FrameOutcome> Process(HJepaEngine engine, IReadOnlyList<Frame> frames)
    {
        try
        {
            return engine.Process(frames);
        }
        finally
        {
            foreach (var frame in frames)
            {
                frame.Dispose();
            }
        }
    }
}
