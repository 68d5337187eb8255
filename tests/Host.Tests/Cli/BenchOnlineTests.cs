namespace StreamJepa.Host.Tests.Cli;

[Collection(TrainingInProcess.Name)]
public sealed class BenchOnlineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-bench-online").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task BenchOnline_SnapshotsTheServedModel_AndScoresEachNextToOfflineTrainingOfTheSameSteps()
    {
        foreach (var (name, scene) in new[] { ("normal", "seed=11&frames=60&width=64&height=48&anomalyEvery=0"), ("test", "seed=3&frames=80&width=64&height=48&anomalyEvery=40&warmup=30") })
        {
            var (generated, _, generateError) = await CommandRunner.RunAsync("generate", "--out", Path.Combine(_dir, $"{name}.avi"), "--scene", scene);
            Assert.True(generated == 0, generateError);
        }

        var manifest = Path.Combine(_dir, "manifest.json");
        await File.WriteAllTextAsync(manifest, """
            {
              "train": ["normal.avi"],
              "videos": [ { "id": "test", "path": "test.avi", "truth": "test.truth.json" } ]
            }
            """);
        var outDir = Path.Combine(_dir, "out");

        var (exit, output, error) = await CommandRunner.RunAsync(
            ["bench", "online", "--manifest", manifest, "--minutes", "0.5", "--every", "0.25", "--reference-steps", "4", "--out", outDir,
             .. SmallModel.Training, "--set", "training.cpuShare=1", "--set", "training.stepsPerProposal=2"]);

        Assert.True(exit == 0, error + output);
        var curve = await File.ReadAllTextAsync(Path.Combine(outDir, "curve.md"));
        var rows = curve.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\| \d+\.\d \| \d+ \|")).ToList();
        Assert.True(rows.Count >= 3, curve);      // the start and at least two snapshots of the live run
        var steps = rows.Select(r => long.Parse(r.Split('|')[2].Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(0, steps[0]);
        Assert.True(steps[^1] > 0, $"the live run learnt nothing: {curve}");
        Assert.Equal(steps.Order(), steps);
        Assert.All(rows, r => Assert.Matches(@"^\| [\d.]+ \| \d+ \| (0|1)\.\d{3} \| \d+ \(\d+\) \| (0|1)\.\d{3} \| \d+ \(\d+\) \| ", r));
        Assert.Matches(@"Offline reference, \d+ steps on the same video: macro ROC-AUC (0|1)\.\d{3}", curve);
        Assert.Contains("MOG2 foreground", curve, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "online-1.ckpt")));
        Assert.True(File.Exists(Path.Combine(outDir, "offline-1.ckpt")));
    }
}
