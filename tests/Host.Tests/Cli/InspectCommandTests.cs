using StreamJepa.Model;

namespace StreamJepa.Host.Tests.Cli;

public sealed class InspectCommandTests
{
    [Fact]
    public async Task Inspect_ShippedDemoCheckpoint_ShowsVersionStepStatsAndModel()
    {
        var demo = Path.Combine(RepoPaths.Root, "data", "models", "demo.ckpt");

        var (exit, output, error) = await CommandRunner.RunAsync("inspect", demo);

        Assert.True(exit == 0, error);
        Assert.Matches(@"model version \d+, step \d+", output);
        Assert.Contains("level 1 free energy on its training data", output, StringComparison.Ordinal);
        Assert.Contains("\"imageWidth\": 128", output, StringComparison.Ordinal);
        Assert.Matches(@"weights: [\d,]+ parameters, all finite", output);
    }

    [Fact]
    public async Task Inspect_CheckpointWithATail_SaysHowHighItsTrainingSurpriseGoes()
    {
        var (model, header) = Checkpoint.Load(Path.Combine(RepoPaths.Root, "data", "models", "demo.ckpt"));
        var file = Path.Combine(Path.GetTempPath(), $"sj-tail-{Guid.NewGuid():N}.ckpt");
        using (model)
        {
            Checkpoint.Save(file, model, header with { EnergyStats = [new EnergyStats(1, 0.1, 0.01, 400) { Tail = new SurpriseTail(2, 1, 0, 0.1, 400) }] });
        }

        try
        {
            var (exit, output, error) = await CommandRunner.RunAsync("inspect", file);

            // An exponential tail over 2 of scale 1 in the top tenth: exceeded once in 1,000 frames at 2 + ln 100,
            // once in 10,000 (the default scoring.tailRisk) at 2 + ln 1,000.
            Assert.True(exit == 0, error);
            Assert.Contains("its z-scores' tail: over 2.00, scale 1.00, shape 0.00, reaching 6.6 once in 1,000 frames and 8.9 once in 10,000", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Inspect_TruncatedCheckpoint_ExitsTwoSayingSo()
    {
        var demo = Path.Combine(RepoPaths.Root, "data", "models", "demo.ckpt");
        var file = Path.Combine(Path.GetTempPath(), $"sj-truncated-{Guid.NewGuid():N}.ckpt");
        var bytes = await File.ReadAllBytesAsync(demo);
        var weightsAt = 8 + 4 + 4 + BitConverter.ToInt32(bytes, 12);              // magic, format, header length, header
        await File.WriteAllBytesAsync(file, bytes[..(weightsAt + 4096)]);          // the header whole, the weights cut
        try
        {
            var (exit, _, error) = await CommandRunner.RunAsync("inspect", file);

            Assert.Equal(2, exit);
            Assert.Contains(file, error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Inspect_NotACheckpoint_ExitsTwo()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (exit, _, error) = await CommandRunner.RunAsync("inspect", file);

            Assert.Equal(2, exit);
            Assert.Contains("checkpoint", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
