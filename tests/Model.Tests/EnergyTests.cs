using StreamJepa.Model.Configuration;

using static TorchSharp.torch;

namespace StreamJepa.Model.Tests;

public sealed class EnergyTests
{
    [Fact]
    public void ExactPrediction_HasZeroEnergy()
    {
        using var scope = NewDisposeScope();
        var observed = randn(3, 16, 4, 4);
        var predicted = observed.unsqueeze(1).expand(-1, 5, -1, -1, -1).contiguous();
        var latents = LatentCandidates.Create(TinyConfig.Value, CPU);

        using var energy = Energy.OfFrames(predicted, observed, LatentCandidates.Regulariser(latents, 0.1f));

        Assert.All(energy.AtZeroLatent.data<float>().ToArray(), e => Assert.Equal(0f, e));
        Assert.All(energy.Free.data<float>().ToArray(), e => Assert.Equal(0f, e));
        Assert.All(energy.Map!.data<float>().ToArray(), e => Assert.Equal(0f, e));
    }

    [Fact]
    public void TopTokens_MakeALocalErrorCountWhereTheMeanDilutesIt()
    {
        // One token of a 4×4 grid is wrong by 1 in every dimension, the rest exact.
        using var scope = NewDisposeScope();
        var observed = zeros(1, 16, 4, 4);
        var predicted = zeros([1L, 1, 16, 4, 4]);
        predicted[0, 0, .., 2, 1] = ones(16);
        var none = zeros(1);

        using var mean = Energy.OfFrames(predicted, observed, none);
        using var top = Energy.OfFrames(predicted, observed, none, topTokens: 2);

        var pooled = 1f / 16 / 16; // the token-mean vectors differ by 1/16 in every dimension
        Assert.Equal((1f / 16) + pooled, mean.Free.item<float>(), 5);
        Assert.Equal((1f / 2) + pooled, top.Free.item<float>(), 5);
        Assert.Equal(mean.Map!.data<float>().ToArray(), top.Map!.data<float>().ToArray());
    }

    [Fact]
    public void FreeEnergy_NeverAboveEnergyAtZeroLatent()
    {
        using var scope = NewDisposeScope();
        var latents = LatentCandidates.Create(TinyConfig.Value, CPU);
        var r = LatentCandidates.Regulariser(latents, 0.05f);

        using var frames = Energy.OfFrames(randn([8L, 5, 16, 4, 4]), randn(8, 16, 4, 4), r, topTokens: 3);
        using var vectors = Energy.OfVectors(randn(8, 5, 12), randn(8, 12), r);

        Assert.True((frames.Free <= frames.AtZeroLatent).all().item<bool>());
        Assert.True((vectors.Free <= vectors.AtZeroLatent).all().item<bool>());
    }

    [Fact]
    public void FreeEnergy_PicksTheLatentThatExplainsTheFuture()
    {
        // Two futures are equally normal: the observation matches candidate 3 exactly, so F is only R(z3).
        using var scope = NewDisposeScope();
        var config = TinyConfig.Value;
        var latents = LatentCandidates.Create(config, CPU);
        var r = LatentCandidates.Regulariser(latents, config.LatentWeight);
        var predicted = randn(1, 5, 12);
        var observed = predicted[.., 3].clone();

        using var energy = Energy.OfVectors(predicted, observed, r);

        Assert.Equal(r[3].item<float>(), energy.Free.item<float>(), 6);
        Assert.True(energy.AtZeroLatent.item<float>() > energy.Free.item<float>());
    }

    [Fact]
    public void Candidates_ZeroFirst_ThenPlusMinusAlongEachAxis()
    {
        var config = new HJepaConfig { LatentDim = 2, LatentScale = 0.5f };

        using var latents = LatentCandidates.Create(config, CPU);

        Assert.Equal([5, 2], latents.shape);
        Assert.Equal([0f, 0f, 0.5f, 0f, -0.5f, 0f, 0f, 0.5f, 0f, -0.5f], latents.data<float>().ToArray());
    }
}
