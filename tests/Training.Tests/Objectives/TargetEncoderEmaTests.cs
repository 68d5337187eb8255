using StreamJepa.Training.Objectives;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace StreamJepa.Training.Tests.Objectives;

public sealed class TargetEncoderEmaTests
{
    [Fact]
    public void Update_MovesTargetTowardsOnlineByOneMinusMomentum()
    {
        using var online = Linear(3, 2);
        using var target = Linear(3, 2);
        using (no_grad())
        {
            online.weight!.fill_(1f);
            target.weight!.fill_(0f);
        }

        TargetEncoderEma.Update(target, online, 0.75);

        Assert.True(target.weight!.eq(0.25f).all().item<bool>());
    }

    [Fact]
    public void Copy_MakesAnExactCopyThatTakesNoGradient()
    {
        using var online = Linear(3, 2);
        using var target = Linear(3, 2);

        TargetEncoderEma.Copy(target, online);

        Assert.True(target.weight!.allclose(online.weight!, rtol: 0, atol: 0));
        Assert.All(target.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void Update_BadMomentum_Refused()
    {
        using var a = Linear(1, 1);
        using var b = Linear(1, 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => TargetEncoderEma.Update(a, b, 1.5));
    }
}
