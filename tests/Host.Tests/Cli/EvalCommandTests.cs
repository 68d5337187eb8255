using StreamJepa.Host.Cli;
using StreamJepa.Model;

namespace StreamJepa.Host.Tests.Cli;

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
                { "id": "s4", "path": "s4.avi", "anomalies": [ { "start": 50, "end": 70 } ] },
                { "id": "s3-unlabelled", "path": "s3.avi", "anomalies": [] }
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

        // False episodes: per video, and per hour of normal video for each method (no training video was scored).
        Assert.Matches(@"\| s3-unlabelled \| 160 \(0\) \| MOG2 foreground \| - \| - \| 0/0 \| - \| \d+ \|", report);
        Assert.Contains("false episodes / h, held out (", report, StringComparison.Ordinal);
        Assert.Matches(@"\| StreamJepa \| (0|1)\.\d{3} \| (0|1)\.\d{3} \| (0|1)\.\d{3} \| [-0-9.]+ \| \d+ \(\d+\) \| - \|", report);
        Assert.Matches(@"\| - \| 1 \| (0|1)\.\d{3} \|", report); // s4's unnamed range, in the table by kind
        foreach (var video in new[] { "s3", "s4" })
        {
            // The report links a timeline and a thumbnail strip per video, and both are real PNGs.
            Assert.Contains($"]({video}.timeline.png)", report, StringComparison.Ordinal);
            Assert.Contains($"]({video}.strip.png)", report, StringComparison.Ordinal);
            using var timeline = OpenCvSharp.Cv2.ImRead(Path.Combine(outDir, $"{video}.timeline.png"));
            Assert.Equal((1400, 420), (timeline.Width, timeline.Height));
            using var strip = OpenCvSharp.Cv2.ImRead(Path.Combine(outDir, $"{video}.strip.png"));
            Assert.True(strip.Width >= 240 * 2, $"strip of {video} is {strip.Width} wide");
        }

        // The scores eval wrote carry the level-1 energy grid the heat maps are drawn from.
        var scored = File.ReadLines(Path.Combine(outDir, "s3.scores.jsonl")).Last();
        Assert.Matches(@"""energyMap"":\[\[[-0-9.eE]+(,[-0-9.eE]+){3}\](,\[[-0-9.eE]+(,[-0-9.eE]+){3}\]){3}\]", scored);
    }

    [Fact]
    public async Task Eval_with_steps_trains_that_many_and_gives_the_same_energies_when_repeated()
    {
        var (generated, _, generateError) = await CommandRunner.RunAsync(
            "generate", "--out", Path.Combine(_dir, "s5.avi"), "--scene", "seed=5&frames=80&width=96&height=72&anomalyEvery=40&warmup=30");
        Assert.True(generated == 0, generateError);
        var manifest = Path.Combine(_dir, "manifest.json");
        await File.WriteAllTextAsync(manifest, """
            {
              "train": ["normal=synthetic:seed=11&frames=120&width=96&height=72&anomalyEvery=0"],
              "videos": [ { "id": "s5", "path": "s5.avi", "truth": "s5.truth.json" } ]
            }
            """);

        var energies = new List<double[]>();
        foreach (var run in new[] { "a", "b" })
        {
            var outDir = Path.Combine(_dir, run);
            var (exit, output, error) = await CommandRunner.RunAsync(["eval", "--manifest", manifest, "--steps", "3", "--out", outDir, .. SmallModel.Training]);

            Assert.True(exit == 0, error + output);
            Assert.Contains("for 3 steps", output, StringComparison.Ordinal);
            Assert.Equal(3, Model.Checkpoint.ReadHeader(Path.Combine(outDir, "model.ckpt")).Step);
            energies.Add([.. File.ReadLines(Path.Combine(outDir, "s5.scores.jsonl"))
                .SelectMany(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("levels").EnumerateArray())
                .Select(l => l.GetProperty("freeEnergy") is { ValueKind: System.Text.Json.JsonValueKind.Number } f ? f.GetDouble() : double.NaN)]);
        }

        // The same weights score the same frames; only float rounding may differ (batches can be cut differently).
        Assert.Equal(energies[0].Length, energies[1].Length);
        Assert.Contains(energies[0], e => !double.IsNaN(e));
        Assert.All(energies[0].Zip(energies[1]), p => Assert.True(double.IsNaN(p.First) ? double.IsNaN(p.Second) : Math.Abs(p.First - p.Second) <= 1e-4 * Math.Max(1, Math.Abs(p.First)), $"{p.First} vs {p.Second}"));
    }

    [Fact]
    public async Task Eval_warns_when_the_checkpoint_carries_no_statistics_so_its_alerts_would_measure_nothing()
    {
        // A trained checkpoint, and the same weights without energy statistics (as run's state directory keeps them).
        var trained = Path.Combine(_dir, "trained.ckpt");
        var (t, _, trainError) = await CommandRunner.RunAsync(
            ["train", "--source", "synthetic:seed=11&frames=60&width=96&height=72&anomalyEvery=0", "--checkpoint", trained, "--steps", "1", .. SmallModel.Training]);
        Assert.True(t == 0, trainError);
        var bare = Path.Combine(_dir, "bare.ckpt");
        var (model, header) = Checkpoint.Load(trained);
        using (model)
        {
            Assert.NotEmpty(header.EnergyStats);
            Checkpoint.Save(bare, model, header with { EnergyStats = [] });
        }

        var (generated, _, generateError) = await CommandRunner.RunAsync(
            "generate", "--out", Path.Combine(_dir, "s3.avi"), "--scene", "seed=3&frames=40&width=96&height=72&anomalyEvery=0");
        Assert.True(generated == 0, generateError);
        var manifest = Path.Combine(_dir, "manifest.json");
        await File.WriteAllTextAsync(manifest, """{ "train": [], "videos": [ { "id": "s3", "path": "s3.avi", "anomalies": [] } ] }""");

        var (exit, output, error) = await CommandRunner.RunAsync(["eval", "--manifest", manifest, "--checkpoint", bare, "--out", Path.Combine(_dir, "out"), .. SmallModel.Settings]);

        Assert.True(exit == 0, error + output);
        Assert.Contains($"{bare} carries no energy statistics", output, StringComparison.Ordinal);
        Assert.Contains("--resume --steps 0", output, StringComparison.Ordinal);
        Assert.Null(EvalCommand.WithoutStatistics(trained, tailRisk: 1e-4, tailMinSamples: 1000));
        Assert.Null(EvalCommand.WithoutStatistics(bare, tailRisk: 0, tailMinSamples: 1000));     // the plain z-score needs no tail
    }

    [Fact]
    public async Task Eval_refuses_zero_steps_naming_the_option()
    {
        var manifest = Path.Combine(_dir, "manifest.json");
        await File.WriteAllTextAsync(manifest, """{ "train": ["normal=synthetic:frames=20"], "videos": [] }""");

        var (exit, _, error) = await CommandRunner.RunAsync("eval", "--manifest", manifest, "--steps", "0");

        Assert.Equal(2, exit);
        Assert.Contains("--steps", error, StringComparison.Ordinal);
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
