using System.Diagnostics;
using System.Text.Json;
using StreamJepa.Kafka;
using StreamJepa.Kafka.Embedded;
using StreamJepa.Kafka.Messages;

namespace StreamJepa.Host.Tests.Cli;

public sealed class RunKafkaTests : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-kafka").FullName;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start();

    public void Dispose()
    {
        _kafka.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task What_run_publishes_is_consumed_back_complete_and_matches_the_jsonl_records()
    {
        var scores = Path.Combine(_dir, "scores.jsonl");
        var episodes = Path.Combine(_dir, "episodes.jsonl");

        var (exit, _, error) = await CommandRunner.RunAsync(
            [
                "run", "--source", "a=synthetic:frames=80&width=96&height=72&seed=1", "--source", "b=synthetic:frames=60&width=96&height=72&seed=2",
                "--no-learn", "--scores", scores, "--episodes", episodes, .. KafkaSettings(),
                "--set", "scoring.onThreshold=0.5", "--set", "scoring.offThreshold=0.2", "--set", "scoring.openAfter=1", "--set", "scoring.minSamples=4",
                "--set", "scoring.tailRisk=0",    // fresh weights with a tail would warm up for the tail's first 1,000 frames
            ]);

        Assert.True(exit == 0, error);
        var jsonlScores = (await File.ReadAllLinesAsync(scores)).ToList();
        var kafkaScores = TopicReader.ReadAll(_kafka.BootstrapServers, "sj.scores", Quiet);
        Assert.Equal(Ordered(jsonlScores), Ordered(kafkaScores.Select(r => System.Text.Encoding.UTF8.GetString(r.Message.Value))));
        Assert.All(kafkaScores, r => Assert.Equal(JsonDocument.Parse(r.Message.Value).RootElement.GetProperty("stream").GetString(), r.Message.Key));

        var jsonlEpisodes = (await File.ReadAllLinesAsync(episodes)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var kafkaEpisodes = TopicReader.ReadAll(_kafka.BootstrapServers, "sj.anomalies", Quiet).Select(r => AnomalyMessage.Parse(r.Message.Value)).ToList();
        Assert.NotEmpty(jsonlEpisodes);
        Assert.Equal(
            jsonlEpisodes.Select(e => $"{e.GetProperty("stream").GetString()}/{e.GetProperty("id").GetString()}/{e.GetProperty("state").GetString()}").Order(),
            kafkaEpisodes.Select(m => $"{m.Episode.Stream}/{m.Episode.Id}/{m.Event}").Order());

        // Every message is what docs/schema promises, with the CloudEvents attributes and an id of its own.
        var anomalyMessages = TopicReader.ReadAll(_kafka.BootstrapServers, "sj.anomalies", Quiet);
        Assert.All(anomalyMessages, r => OutputSchemas.AssertValid("anomaly.schema.json", System.Text.Encoding.UTF8.GetString(r.Message.Value)));
        Assert.All(kafkaScores, r => OutputSchemas.AssertValid("score.schema.json", System.Text.Encoding.UTF8.GetString(r.Message.Value)));
        Assert.All(await File.ReadAllLinesAsync(episodes), line => OutputSchemas.AssertValid("episode.schema.json", line));
        foreach (var records in new[] { anomalyMessages, kafkaScores })
        {
            Assert.All(records, r => Assert.Equal("1.0", MessageHeaders.Get(r.Message.Headers, "ce_specversion")));
            Assert.All(records, r => Assert.Equal($"/streamjepa/streams/{r.Message.Key}", MessageHeaders.Get(r.Message.Headers, "ce_source")));
            Assert.Equal(records.Count, records.Select(r => MessageHeaders.Get(r.Message.Headers, "ce_id")).Distinct().Count());
        }

        var embeddings = TopicReader.ReadAll(_kafka.BootstrapServers, "sj.embeddings", Quiet).Select(r => EmbeddingCodec.Decode(r.Message.Value)).ToList();
        foreach (var (stream, frames) in new[] { ("a", 80), ("b", 60) })
        {
            var level1 = embeddings.Where(e => e.Stream == stream && e.Level == 1).Select(e => e.Frame).ToList();
            Assert.Equal(Enumerable.Range(0, frames).Select(f => (long)f), level1);
            Assert.Contains(embeddings, e => e.Stream == stream && e.Level == 2);
        }
    }

    [Fact]
    public async Task Results_accepted_before_a_SIGINT_are_delivered_before_the_process_exits()
    {
        var scores = Path.Combine(_dir, "scores.jsonl");
        using var run = ChildProcess.Start(
            [
                "run", "--source", "live=synthetic:frames=100000&width=96&height=72&fps=25", "--realtime", "--no-learn", "--scores", scores,
                .. KafkaSettings(), "--set", "kafka.lingerMs=200",
            ]);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!File.Exists(scores) || File.ReadLines(scores).Count() < 40)
            {
                Assert.False(run.HasExited, "run ended before it was interrupted");
                Assert.True(DateTime.UtcNow < deadline, "no scores within 90 s");
                await Task.Delay(100);
            }

            // A process started from a background job inherits SIGINT ignored (as a shell's `cmd &` does), and .NET
            // keeps it ignored; SIGTERM then asks for the same graceful stop.
            var signal = IgnoresSigint(run.Id) ? "-TERM" : "-INT";
            Process.Start("kill", [signal, run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).WaitForExit();
            Assert.True(run.WaitForExit(TimeSpan.FromSeconds(60)), $"run did not stop within 60 s of kill {signal}");
        }
        finally
        {
            if (!run.HasExited)
            {
                run.Kill(entireProcessTree: true);
            }
        }

        Assert.Equal(0, run.ExitCode);
        var accepted = await File.ReadAllLinesAsync(scores);
        var delivered = TopicReader.ReadAll(_kafka.BootstrapServers, "sj.scores", Quiet);
        Assert.True(accepted.Length >= 40);
        Assert.Equal(Ordered(accepted), Ordered(delivered.Select(r => System.Text.Encoding.UTF8.GetString(r.Message.Value))));
    }

    [Fact]
    public async Task A_kill_9_after_the_broker_stored_messages_but_before_their_acks_loses_none_and_duplicates_keep_their_ids()
    {
        // Scores journaled before they are sent (spool, no queue in memory), and every answer of the broker held back
        // 1 s: whatever the broker stored in the last second before the kill is stored but not acknowledged.
        string[] durable = ["--set", "kafka.scores.overflow=spool", "--set", "kafka.scores.queueCapacity=0", "--set", "kafka.lingerMs=0"];
        var scores = Path.Combine(_dir, "scores.jsonl");
        _kafka.SetBrokerRtt(1, TimeSpan.FromSeconds(1));
        using (var run = ChildProcess.Start(
            [
                "run", "--source", "live=synthetic:frames=100000&width=96&height=72&fps=25", "--realtime", "--no-learn", "--scores", scores,
                .. KafkaSettings(), .. durable,
            ]))
        {
            try
            {
                // 24 s of frames: the producer has long been connected (a few round trips), and at any moment the
                // last second of scores is stored but not acknowledged.
                var deadline = DateTime.UtcNow.AddSeconds(120);
                while (!File.Exists(scores) || File.ReadLines(scores).Count() < 600)
                {
                    Assert.False(run.HasExited, "run ended before it was killed");
                    Assert.True(DateTime.UtcNow < deadline, "too few scores within 120 s");
                    await Task.Delay(100);
                }
            }
            finally
            {
                run.Kill(entireProcessTree: true);       // SIGKILL: no shutdown, no flush
                await run.WaitForExitAsync();
            }
        }

        // The next start on the same journal, with acks at once again, sends what was never acknowledged.
        _kafka.SetBrokerRtt(1, TimeSpan.Zero);
        using (var again = ChildProcess.Start(["run", "--source", "other=synthetic:frames=3&width=96&height=72", "--no-learn", .. KafkaSettings(), .. durable]))
        {
            Assert.True(again.WaitForExit(TimeSpan.FromSeconds(90)), "the restarted run did not finish");
            Assert.Equal(0, again.ExitCode);
        }

        // Each score goes to the JSONL file, then to Kafka: the last line written may not have reached Kafka's journal.
        var written = File.ReadLines(scores).Where(l => l.EndsWith('}')).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("frame").GetInt64()).ToList();
        var accepted = written.Where(f => f < written.Max()).Select(f => $"live/{f}").ToHashSet();
        var delivered = TopicReader.ReadAll(_kafka.BootstrapServers, "sj.scores", Quiet)
            .Select(r => (Key: Key(JsonDocument.Parse(r.Message.Value).RootElement), Id: MessageHeaders.Get(r.Message.Headers, "ce_id")))
            .Where(d => d.Key.StartsWith("live/", StringComparison.Ordinal))
            .GroupBy(d => d.Key)
            .ToDictionary(g => g.Key, g => g.Select(d => d.Id).ToList());
        var lost = accepted.Where(k => !delivered.ContainsKey(k)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {accepted.Count} accepted scores never arrived, e.g. {string.Join(", ", lost.Take(5))}");
        var resent = delivered.Where(d => d.Value.Count > 1).ToList();
        Assert.NotEmpty(resent);                                                      // the kill fell between store and ack
        Assert.All(resent, d => Assert.Single(d.Value.Distinct()));                  // a re-send is recognisable by its id

        static string Key(JsonElement score) => $"{score.GetProperty("stream").GetString()}/{score.GetProperty("frame").GetInt64()}";
    }

    private static bool IgnoresSigint(int pid)
    {
        var ignored = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))[7..].Trim();
        return (Convert.ToUInt64(ignored, 16) & (1UL << (2 - 1))) != 0;
    }

    [Fact]
    public async Task A_broker_outage_mid_run_costs_no_frame_and_no_message()
    {
        var scores = Path.Combine(_dir, "scores.jsonl");
        var run = CommandRunner.RunAsync(
            [
                "run", "--source", "cam=synthetic:frames=200&width=96&height=72&fps=25", "--realtime", "--no-learn", "--scores", scores,
                .. KafkaSettings(), "--set", "kafka.scores.overflow=spool", "--set", "kafka.scores.queueCapacity=20",
                "--set", "kafka.breaker.breakSeconds=0.5",
            ]);
        while (!File.Exists(scores) || File.ReadLines(scores).Count() < 30)
        {
            Assert.False(run.IsCompleted, "run ended before the outage");
            await Task.Delay(50);
        }

        _kafka.SetAllBrokersDown();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var duringOutage = File.ReadLines(scores).Count();
        _kafka.SetAllBrokersUp();
        var (exit, output, error) = await run;

        Assert.True(exit == 0, error);
        var accepted = await File.ReadAllLinesAsync(scores);
        Assert.Equal(Enumerable.Range(0, 200), accepted.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("frame").GetInt32()));
        Assert.True(duringOutage >= 80, $"scoring went on during the outage: {duringOutage} frames scored by its end");
        var delivered = TopicReader.ReadAll(_kafka.BootstrapServers, "sj.scores", Quiet);
        Assert.Equal(Ordered(accepted), delivered.Select(r => System.Text.Encoding.UTF8.GetString(r.Message.Value)));
        Assert.Contains("kafka: circuit closed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_prints_each_message_decoded()
    {
        var (exit, _, error) = await CommandRunner.RunAsync(
            ["run", "--source", "cam=synthetic:frames=20&width=96&height=72", "--no-learn", .. KafkaSettings()]);
        Assert.True(exit == 0, error);

        var (tailExit, output, tailError) = await CommandRunner.RunAsync(
            "tail", "--bootstrap", _kafka.BootstrapServers, "--topic", "sj.embeddings", "--from-beginning", "--max", "3");

        Assert.True(tailExit == 0, tailError);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^sj\.embeddings p\d+@\d+ key=cam streamjepa\.embedding \(model v0\): stream cam frame \d+ \(.* level [12] dim \d+ \|v\| ", l));
    }

    private static IEnumerable<string> Ordered(IEnumerable<string> records) =>
        records.Select(r => JsonDocument.Parse(r).RootElement)
            .OrderBy(r => r.GetProperty("stream").GetString(), StringComparer.Ordinal)
            .ThenBy(r => r.GetProperty("frame").GetInt64())
            .Select(r => r.GetRawText());

    private string[] KafkaSettings() =>
    [
        "--set", $"kafka.bootstrapServers={_kafka.BootstrapServers}",
        "--set", $"kafka.journalDirectory={Path.Combine(_dir, "journal")}",
        "--set", "kafka.anomalies.topic=sj.anomalies",
        "--set", "kafka.embeddings.topic=sj.embeddings",
        "--set", "kafka.scores.topic=sj.scores",
        "--set", "kafka.scores.enabled=true",
    ];
}
