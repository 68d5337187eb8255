using System.Text.Json;
using StreamJepa.Core.Results;
using StreamJepa.Inference.Configuration;
using StreamJepa.Inference.Sinks;

namespace StreamJepa.Inference.Tests.Sinks;

public sealed class JsonlSinkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-jsonl").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_restart_appends_to_the_scores_an_earlier_run_wrote()
    {
        var path = Path.Combine(_dir, "scores.jsonl");

        await WriteAsync(path, 0, 1, 2);
        await WriteAsync(path, 0, 1);

        Assert.Equal([0, 1, 2, 0, 1], Frames(path));
    }

    [Fact]
    public async Task A_line_cut_off_by_a_crash_is_ended_before_the_next_run_writes()
    {
        var path = Path.Combine(_dir, "scores.jsonl");
        await WriteAsync(path, 0);
        await File.AppendAllTextAsync(path, """{"stream":"cam","fra""");

        await WriteAsync(path, 5);

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(3, lines.Length);
        Assert.Equal("""{"stream":"cam","fra""", lines[1]);
        Assert.Equal(5, JsonDocument.Parse(lines[2]).RootElement.GetProperty("frame").GetInt64());
    }

    private static async Task WriteAsync(string path, params long[] frames)
    {
        await using var sink = new JsonlSink(new OutputOptions { Scores = path });
        foreach (var frame in frames)
        {
            sink.OnScore(new FrameScore("cam", frame, frame * 100, 1.0, [], false, 1));
        }

        await sink.FlushAsync(CancellationToken.None);
    }

    private static List<long> Frames(string path) =>
        [.. File.ReadLines(path).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("frame").GetInt64())];
}
