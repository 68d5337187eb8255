using StreamJepa.Training.Objectives;
using static TorchSharp.torch;

namespace StreamJepa.Training.Tests.Objectives;

public sealed class VicRegTests
{
    [Fact]
    public void Variance_SpreadEmbeddings_NoPenalty_ConstantOnes_FullPenalty()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(1);

        var spread = VicReg.Variance(randn(512, 8) * 3).item<float>();
        var constant = VicReg.Variance(ones(512, 8)).item<float>();

        Assert.Equal(0f, spread, 3);
        Assert.Equal(0.99f, constant, 2);
    }

    [Fact]
    public void Covariance_IndependentDimensions_Small_DuplicatedDimensions_Large()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(2);
        var independent = randn(2048, 4);
        var column = randn(2048, 1);
        var duplicated = cat([column, column, column, column], 1);

        Assert.True(VicReg.Covariance(independent).item<float>() < 0.05f);
        Assert.True(VicReg.Covariance(duplicated).item<float>() > 2f);
    }
}
