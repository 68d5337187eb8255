using StreamJepa.Host.Tests.Cli;

namespace StreamJepa.Host.Tests.Evaluation;

[Collection(TrainingInProcess.Name)]
public sealed class EvalCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-eval").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Eval_trains_scores_every_video_and_reports_each_method_next_to_the_baselines()
    {
        foreach (var seed in new[] { 3, 4 })
        {
            var (generated, _, generateError) = await CommandRunner.RunAsync(
                "generate", "--out", Path.Combine(_dir, $"s{seed}.avi"), "--scene", $"seed={seed}&frames=160&width=96&height=72&anomalyEvery=40&warmup=30");
            Assert.True(generated == 0, generateError);
        }

        var manifest = Path.Combine(_dir, "manifest.json");
        await File.WriteAllTextAsync(manifest, """
            {
              "train": ["normal=synthetic:seed=11&frames=200&width=96&height=72&anomalyEvery=0"],
              "videos": [
                { "id": "s3", "path": "s3.avi", "truth": "s3.truth.json" },
                { "id": "s4", "path": "s4.avi", "anomalies": [ { "start": 50, "end": 70 } ] }
              ]
            }
            """);
        var outDir = Path.Combine(_dir, "out");

        var (exit, output, error) = await CommandRunner.RunAsync(["eval", "--manifest", manifest, "--minutes", "0.1", "--out", outDir, .. SmallModel.Training]);

        Assert.True(exit == 0, error + output);
        Assert.True(File.Exists(Path.Combine(outDir, "model.ckpt")));
        var report = await File.ReadAllTextAsync(Path.Combine(outDir, "report.md"));
        foreach (var video in new[] { "s3", "s4" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, $"{video}.scores.jsonl")));
            foreach (var method in new[] { "StreamJepa", "StreamJepa level 1", "StreamJepa level 2", "frame difference", "MOG2 foreground", "pixel extrapolation" })
            {
                Assert.Matches($@"\| {video} \| 160 \(\d+\) \| {method} \| (0|1)\.\d{{3}} \| (0|1)\.\d{{3}} \| \d/\d+ \|", report);
            }
        }

        Assert.Matches(@"\| s4 \| 160 \(20\) \| StreamJepa \|", report);
        Assert.Contains("micro ROC-AUC", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_naming_a_missing_video_stops_eval_with_the_key()
    {
        var manifest = Path.Combine(_dir, "manifest.json");
        await File.WriteAllTextAsync(manifest, """{ "train": [], "videos": [ { "id": "x", "path": "nowhere.avi", "anomalies": [] } ] }""");

        var (exit, _, error) = await CommandRunner.RunAsync("eval", "--manifest", manifest);

        Assert.Equal(2, exit);
        Assert.Contains("videos[0].path", error, StringComparison.Ordinal);
    }
}
