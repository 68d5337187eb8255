using StreamJepa.Training.Health;
using static TorchSharp.torch;

namespace StreamJepa.Training.Tests.Health;

public sealed class CollapseDetectorTests
{
    [Fact]
    public void HealthyEmbeddings_HighEffectiveRank_NotCollapsed()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);

        var health = EmbeddingHealth.Of(randn(512, 16));

        Assert.True(health.EffectiveRank > 12, $"rank {health.EffectiveRank}");
        Assert.Null(new CollapseDetector().Check(health));
    }

    [Fact]
    public void RankOneEmbeddings_Collapsed()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(4);
        var rankOne = randn(512, 1).matmul(randn(1, 16));

        var health = EmbeddingHealth.Of(rankOne * 10);

        Assert.True(health.EffectiveRank < 1.5, $"rank {health.EffectiveRank}");
        Assert.Contains("effective rank", new CollapseDetector().Check(health), StringComparison.Ordinal);
    }

    [Fact]
    public void ConstantEmbeddings_Collapsed()
    {
        using var scope = NewDisposeScope();

        var health = EmbeddingHealth.Of(ones(64, 16) * 3);

        Assert.Equal(0, health.MeanStd, 6);
        Assert.NotNull(new CollapseDetector().Check(health));
    }
}
