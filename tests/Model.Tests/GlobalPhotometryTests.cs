using static TorchSharp.torch;

namespace StreamJepa.Model.Tests;

public sealed class GlobalPhotometryTests
{
    [Fact]
    public void Embedding_DependsOnTheFramesBrightnessAndContrast_NotOnWhereThingsAre()
    {
        using var photometry = new GlobalPhotometry(TinyConfig.Value with { GlobalPhotometry = true });
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var frame = randn(1, 3, 32, 32);

        var embedded = photometry.forward(frame);
        var mirrored = photometry.forward(frame.flip(-1));                 // same pixels elsewhere: same statistics
        var darker = photometry.forward((frame * 0.45) - 1.1);              // the light falls to 45 %

        Assert.Equal([1, 16], embedded.shape);
        Assert.True((embedded - mirrored).abs().max().item<float>() < 1e-5f);
        Assert.True((embedded - darker).abs().max().item<float>() > 1e-2f);
    }

    [Fact]
    public void Encoder_PhotometryWeightsOnlyWhenOn_SoOlderCheckpointsStillLoad()
    {
        using var plain = new HJepa(TinyConfig.Value with { GlobalPhotometry = false });
        using var lit = new HJepa(TinyConfig.Value with { GlobalPhotometry = true });

        var plainNames = plain.named_parameters().Select(p => p.name).ToList();
        var litNames = lit.named_parameters().Select(p => p.name).ToList();

        Assert.DoesNotContain(plainNames, n => n.Contains("photometry", StringComparison.Ordinal));
        Assert.Equal(["encoder.photometry.embed.bias", "encoder.photometry.embed.weight"], litNames.Except(plainNames).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Encoder_ContextTokensLeaveThePhotometryOut_SoThePredictorCannotCopyALightChangeForward()
    {
        using var encoder = new FrameEncoder(TinyConfig.Value with { GlobalPhotometry = true, PhotometryInContext = false });
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var frames = randn(2, 3, 32, 32);

        var before = encoder.forward(frames);
        var embed = encoder.named_parameters().Single(p => p.name == "photometry.embed.bias").parameter;
        embed.add_(arange(embed.shape[0]).to(float32));                     // a different photometry embedding
        var after = encoder.forward(frames);

        Assert.True((before.Context - after.Context).abs().max().item<float>() < 1e-6f);
        Assert.True((before.Tokens - after.Tokens).abs().max().item<float>() > 1e-2f);
        Assert.True((before.Pooled - after.Pooled).abs().max().item<float>() > 1e-2f);
    }

    [Fact]
    public void Encoder_PhotometryInContext_GivesThePredictorTheObservedTokens()
    {
        using var encoder = new FrameEncoder(TinyConfig.Value with { GlobalPhotometry = true, PhotometryInContext = true });
        using var plain = new FrameEncoder(TinyConfig.Value with { GlobalPhotometry = false });
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var frames = randn(2, 3, 32, 32);

        using var lit = encoder.forward(frames);
        using var unlit = plain.forward(frames);

        Assert.Same(lit.Tokens, lit.Context);
        Assert.Same(unlit.Tokens, unlit.Context);
    }
}
