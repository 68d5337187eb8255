using Spectre.Console;
using StreamJepa.Host.Running;

namespace StreamJepa.Host.Tests.Running;

public sealed class LiveViewTests
{
    private static readonly RunSnapshot Snapshot = new(
        "live summary at 12.0 s: model v3, 1 anomaly episode(s)",
        "learning: 40 steps, 2 promoted, 0 rejected",
        "kafka: circuit closed, broker up; anomalies 1 delivered, 0 waiting (0 in journal), 0 dropped",
        [
            new StreamRow("lobby", "running", 120, 10.0, 0, 0, 0, 0, 5.2, [5.2, 1.1], true, null),
            new StreamRow("gate", "reconnecting", 80, 0.0, 3, 1, 2, 1, null, [], false, "read timed out [rtsp]"),
        ]);

    [Fact]
    public void The_live_table_shows_every_stream_its_surprise_and_open_anomalies()
    {
        var text = Render(LiveView.Render(Snapshot));

        Assert.Contains("model v3", text, StringComparison.Ordinal);
        Assert.Contains("kafka: circuit closed", text, StringComparison.Ordinal);
        Assert.Contains("learning: 40 steps", text, StringComparison.Ordinal);
        var lobby = text.Split('\n').Single(l => l.Contains("lobby", StringComparison.Ordinal));
        Assert.Contains("OPEN", lobby, StringComparison.Ordinal);
        Assert.Contains("5.2 1.1", lobby, StringComparison.Ordinal);
        var gate = text.Split('\n').Single(l => l.Contains("gate", StringComparison.Ordinal));
        Assert.Contains("reconnecting", gate, StringComparison.Ordinal);
        Assert.Contains("read timed out [rtsp]", gate, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plain_summary_has_the_same_content_line_by_line()
    {
        var text = StreamSummary.Text(Snapshot);

        Assert.StartsWith("live summary at 12.0 s: model v3", text, StringComparison.Ordinal);
        Assert.Matches(@"lobby\s+running\s+120\s+10\.0\s+0\s+0\s+0\s+0\s+5\.2\s+5\.2 1\.1\s+OPEN", text);
        Assert.Matches(@"gate\s+reconnecting\s+80\s+0\.0\s+3\s+1\s+2\s+1\s+-\s+-\s+-\s+read timed out \[rtsp\]", text);
    }

    private static string Render(Spectre.Console.Rendering.IRenderable renderable)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        console.Write(renderable);
        return writer.ToString();
    }
}
