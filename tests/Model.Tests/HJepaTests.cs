using static TorchSharp.torch;

namespace StreamJepa.Model.Tests;

public sealed class HJepaTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Forward_ShapesFollowTheConfig(int batch)
    {
        var config = TinyConfig.Value;
        using var model = new HJepa(config);
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var latents = LatentCandidates.Create(config, CPU);

        using var rep = model.Encoder.forward(randn(batch, 3, 32, 32));
        var predicted = model.Predictor.forward(new PredictorInput(randn(batch, 2 * 16, 4, 4), latents));
        var level2 = model.Levels[0];
        var window = level2.Encoder.forward(randn(batch, 4, 16));
        var windowPrediction = level2.Predictor.forward(new PredictorInput(randn(batch, 2 * 12), latents));
        var level3 = model.Levels[1].Encoder.forward(randn(batch, 3, 12));

        Assert.Equal([batch, 16, 4, 4], rep.Tokens.shape);
        Assert.Equal([batch, 16], rep.Pooled.shape);
        Assert.Equal([batch, 5, 2, 16, 4, 4], predicted.shape);
        Assert.Equal([batch, 12], window.shape);
        Assert.Equal([batch, 5, 2, 12], windowPrediction.shape);
        Assert.Equal([batch, 8], level3.shape);
    }

    [Fact]
    public void Forward_WideInput_GivesAGridOfRowsByColumns()
    {
        var config = TinyConfig.Value with { ImageWidth = 64, ImageHeight = 24 };    // 8-pixel tokens: 3 rows of 8
        using var model = new HJepa(config);
        using var scope = NewDisposeScope();
        using var _ = inference_mode();

        using var rep = model.Encoder.forward(randn(2, 3, 24, 64));
        var predicted = model.Predictor.forward(new PredictorInput(randn(2, 2 * 16, 3, 8), LatentCandidates.Create(config, CPU)));

        Assert.Equal((8, 3), (config.GridWidth, config.GridHeight));
        Assert.Equal([2, 16, 3, 8], rep.Tokens.shape);
        Assert.Equal([2, 5, 2, 16, 3, 8], predicted.shape);
        Assert.Throws<ArgumentException>(() => model.Encoder.forward(randn(2, 3, 64, 24)));
    }

    [Fact]
    public void NewModel_EveryWeightFinite_NormsStartAsIdentity()
    {
        for (var i = 0; i < 5; i++)
        {
            using var model = new HJepa(TinyConfig.Value);

            foreach (var (name, parameter) in model.named_parameters())
            {
                Assert.True(parameter.isfinite().all().item<bool>(), name);
                if (name.Contains("norm", StringComparison.Ordinal) && name.EndsWith(".weight", StringComparison.Ordinal))
                {
                    Assert.True(parameter.eq(1f).all().item<bool>(), name);
                }
            }
        }
    }

    [Fact]
    public void Encoder_WrongInputShape_SaysWhatItExpected()
    {
        using var model = new HJepa(TinyConfig.Value);
        using var frames = zeros(2, 3, 64, 64);

        var ex = Assert.Throws<ArgumentException>(() => model.Encoder.forward(frames));

        Assert.Contains("(B, 3, 32, 32)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoder_EachFrameEncodedIndependentlyOfItsBatch()
    {
        using var model = new HJepa(TinyConfig.Value);
        model.eval();
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var frames = randn(4, 3, 32, 32);

        var alone = model.Encoder.forward(frames[2..3]).Tokens;
        var batched = model.Encoder.forward(frames).Tokens[2..3];

        var diff = (alone - batched).abs().max().item<float>();
        Assert.True(diff < 1e-4f, $"max difference {diff}");
    }

    [Fact]
    public void Forward_ManyTimes_LeavesNoTensorAlive()
    {
        var config = TinyConfig.Value;
        using var model = new HJepa(config);
        using var latents = LatentCandidates.Create(config, CPU);
        using var frames = randn(3, 3, 32, 32);
        using var context = randn(3, 32, 4, 4);
        RunOnce();
        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (var i = 0; i < 50; i++)
        {
            RunOnce();
        }

        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        void RunOnce()
        {
            using var scope = NewDisposeScope();
            using var _ = inference_mode();
            model.Encoder.forward(frames);
            model.Predictor.forward(new PredictorInput(context, latents));
        }
    }

    [Fact]
    public void LevelInput_OfAGrid_AveragesTheTokensOfEachCell_CellByCell()
    {
        using var scope = NewDisposeScope();
        // Two channels on a 4×4 grid: channel 0 counts tokens 0..15, channel 1 is 100 + that.
        var tokens = tensor(Enumerable.Range(0, 16).Select(i => (float)i).Concat(Enumerable.Range(0, 16).Select(i => 100f + i)).ToArray()).view(1, 2, 4, 4);
        using var representation = new FrameRepresentation(tokens.alias(), tokens.mean([2, 3]), tokens.alias());

        var cells = representation.LevelInput(2);

        // Cell (0,0) holds tokens 0,1,4,5 (mean 2.5); (0,1) 2,3,6,7 (4.5); (1,0) 10.5; (1,1) 12.5; D values per cell.
        Assert.Equal([2.5f, 102.5f, 4.5f, 104.5f, 10.5f, 110.5f, 12.5f, 112.5f], cells.data<float>().ToArray());
        Assert.Same(representation.Pooled, representation.LevelInput(1));
    }
}
