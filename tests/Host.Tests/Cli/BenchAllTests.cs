using System.Globalization;
using System.Text.RegularExpressions;

namespace StreamJepa.Host.Tests.Cli;

[Collection(TrainingInProcess.Name)]
public sealed class BenchAllTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-bench").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Bench_all_measures_every_stage_and_the_pipeline_for_each_stream_count_in_one_run()
    {
        var video = Path.Combine(_dir, "v.avi");
        var (generated, _, generateError) = await CommandRunner.RunAsync("generate", "--out", video, "--scene", "seed=2&frames=60&width=96&height=72");
        Assert.True(generated == 0, generateError);

        var (exit, output, error) = await CommandRunner.RunAsync(
            ["bench", "all", "--video", video, "--streams", "1", "2", "--torch-threads", "1", "--pin", "on", "off", "--realtime-seconds", "1", .. SmallModel.Settings]);

        Assert.True(exit == 0, error + output);
        // The pinned split exists only where the model thread can have a CPU of its own beside the decoders.
        string[] splits = Core.Threading.CpuAffinity.Allowed().Count >= 2 ? ["1 torch", "1 torch, pinned"] : ["1 torch"];
        foreach (var (split, streams) in splits.SelectMany(s => new[] { 1, 2 }.Select(n => (s, n))))
        {
            // plain, decode (ratio), forward, forward + F (ratio), publish (ratio), JSONL (ratio), Kafka (ratio), p50 / p99, RSS
            var row = Regex.Match(output, $@"\| v\.avi \| {Regex.Escape(split)} \| {streams} \| (\d+) \| (\d+) \(([\d.]+)\) \| (\d+) \| (\d+) \(([\d.]+)\) \| (\d+) \(([\d.]+)\) \| (\d+) \(([\d.]+)\) \| (\d+) \(([\d.]+)\) \| \d+ / \d+ \| (\d+) \|");
            Assert.True(row.Success, output);
            var figures = row.Groups.Values.Skip(1).Select(g => double.Parse(g.Value, CultureInfo.InvariantCulture)).ToArray();
            Assert.All(figures, f => Assert.True(f > 0, output));
        }

        Assert.Matches(@"winning split: 1 torch(, pinned)? \(", output);
        Assert.Matches(@"\| 2 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| \d+ \|", output); // the real-time pace table
    }
}
