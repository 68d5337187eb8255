using StreamJepa.Core.Frames;

namespace StreamJepa.Core.Tests.Frames;

public sealed class FramePoolTests
{
    private static readonly FrameHeader Header = new("s", 0, 0, true, 640, 480, 0);

    [Fact]
    public void Rent_AfterDispose_ReusesTheSameBuffer()
    {
        var pool = new FramePool(new FrameShape(3, 8, 8));
        var first = pool.Rent(Header);
        var pixels = first.Pixels;
        first.Dispose();

        using var second = pool.Rent(Header with { Sequence = 1 });

        Assert.Same(pixels, second.Pixels);
        Assert.Equal(1, second.Header.Sequence);
        Assert.Equal(1, pool.Created);
    }

    [Fact]
    public void Dispose_Twice_ReturnsOnce()
    {
        var pool = new FramePool(new FrameShape(1, 4, 4));
        var frame = pool.Rent(Header);

        frame.Dispose();
        frame.Dispose();
        using var a = pool.Rent(Header);
        using var b = pool.Rent(Header);

        Assert.NotSame(a, b);
        Assert.Equal(2, pool.Created);
    }

    [Fact]
    public void InUse_CountsFramesNotYetDisposed()
    {
        var pool = new FramePool(new FrameShape(3, 4, 4));
        var a = pool.Rent(Header);
        using var b = pool.Rent(Header);
        a.Dispose();

        Assert.Equal(1, pool.InUse);
        Assert.Equal(48, b.Pixels.Length);
    }
}
