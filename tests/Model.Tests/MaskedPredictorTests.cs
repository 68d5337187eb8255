
using static TorchSharp.torch;

namespace StreamJepa.Model.Tests;

public sealed class MaskedPredictorTests
{
    // An 8×8 grid of 16-wide tokens, two context frames, a 3×3 hidden block around each token.
    private static readonly Model.Configuration.HJepaConfig Config = TinyConfig.Value with { ImageWidth = 64, ImageHeight = 64, MaskedBlock = 3 };

    [Fact]
    public void Forward_PredictsTheNewestFrameTokens()
    {
        using var predictor = new MaskedPredictor(Config);
        using var scope = NewDisposeScope();

        var predicted = predictor.forward(randn(3, 2 * 16, 8, 8));

        Assert.Equal([3, 16, 8, 8], predicted.shape);
        Assert.Throws<ArgumentException>(() => predictor.forward(randn(3, 16, 8, 8)));
    }

    [Fact]
    public void Prediction_NeverSeesItsOwnBlockOfTheNewestFrame()
    {
        using var predictor = new MaskedPredictor(Config);
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var context = randn(1, 2 * 16, 8, 8);
        var before = predictor.forward(context)[0, .., 4, 4];

        var changed = context.clone();
        changed[0, 16.., 3..6, 3..6] = randn(16, 3, 3);         // the newest frame, inside token (4, 4)'s block
        var hidden = predictor.forward(changed)[0, .., 4, 4];
        var ring = context.clone();
        ring[0, 16.., 2, 4] = randn(16);                         // the newest frame, on the block's ring
        var seen = predictor.forward(ring)[0, .., 4, 4];
        var past = context.clone();
        past[0, ..16, 4, 4] = randn(16);                         // the frame before, at the token itself
        var remembered = predictor.forward(past)[0, .., 4, 4];

        Assert.True(before.allclose(hidden, rtol: 0, atol: 1e-6), "a change inside the hidden block reached the prediction");
        Assert.False(before.allclose(seen, rtol: 0, atol: 1e-4), "the ring around the block is not seen");
        Assert.False(before.allclose(remembered, rtol: 0, atol: 1e-4), "the past at the token is not seen");
    }

    [Fact]
    public void Prediction_DependsOnWhereTheTokenIs()
    {
        using var predictor = new MaskedPredictor(Config);
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var uniform = randn(1, 2 * 16, 1, 1).expand(1, 2 * 16, 8, 8).contiguous();   // the same token everywhere

        var predicted = predictor.forward(uniform);

        Assert.False(predicted[0, .., 3, 3].allclose(predicted[0, .., 3, 4], rtol: 0, atol: 1e-6), "two inner positions predicted alike from alike surroundings");
    }

    [Fact]
    public void Model_WithoutMaskedBlock_HasNoMaskedPredictor()
    {
        using var with = new HJepa(Config);
        using var without = new HJepa(Config with { MaskedBlock = 0 });

        Assert.NotNull(with.Masked);
        Assert.Null(without.Masked);
        Assert.DoesNotContain(without.named_parameters(), p => p.name.StartsWith("masked.", StringComparison.Ordinal));
    }
}
