using StreamJepa.Model.Configuration;

using static TorchSharp.torch;

namespace StreamJepa.Model.Tests;

public sealed class ResNetStemTests
{
    [Fact]
    public void Stem_GivesA64ChannelMapAtAQuarterOfTheFrame_FromFrozenImageNetWeights()
    {
        using var stem = new ResNetStem();
        stem.Load(ResNetWeights.Find());
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var flat = zeros(1, 3, 64, 96);                                  // mid grey, as ingest normalises it
        var edge = flat.clone();
        edge[.., .., .., 48..] = full(1, 3, 64, 48, 2f);                 // a vertical edge from grey to white

        var (a, b) = (stem.forward(flat), stem.forward(edge));

        Assert.Equal([1, 64, 16, 24], a.shape);
        Assert.Empty(stem.parameters());
        Assert.True(a.isfinite().all().item<bool>());
        var atEdge = (b - a)[.., .., .., 10..14].abs().mean().item<float>();
        var farFromEdge = (b - a)[.., .., .., 0..4].abs().mean().item<float>();
        Assert.True(atEdge > 10 * farFromEdge + 1e-3, $"response at the edge {atEdge}, far from it {farFromEdge}");
    }

    [Fact]
    public void Load_AFileThatIsNotResNet18_IsRefused()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sj-not-onnx-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, [0x0a, 0x03, 0x61, 0x62, 0x63]);     // one string field, no graph
        try
        {
            using var stem = new ResNetStem();

            var ex = Assert.Throws<InvalidDataException>(() => stem.Load(path));

            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Encoder_WithTheResNetStem_TrainsOnlyItsOwnLayers_AndKeepsTheTokenGrid()
    {
        var config = TinyConfig.Value with { ImageWidth = 64, ImageHeight = 32, Stem = EncoderStem.ResNet18, EncoderChannels = [16] };
        using var model = new HJepa(config);
        using var scope = NewDisposeScope();

        using var rep = model.Encoder.forward(randn(2, 3, 32, 64));

        Assert.Equal((16, 4, 2), (config.Stride, config.GridWidth, config.GridHeight));
        Assert.Equal([2, 16, 2, 4], rep.Tokens.shape);
        Assert.DoesNotContain(model.Encoder.named_parameters(), p => p.name.StartsWith("stem", StringComparison.Ordinal));
        Assert.Contains(model.Encoder.named_buffers(), b => b.name == "stem.conv1_weight");
    }
}
