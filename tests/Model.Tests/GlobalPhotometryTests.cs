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
}
