using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace StreamJepa.Host.Running;

/// <summary>The run summary as a live terminal table (Spectre.Console), for interactive terminals.</summary>
internal static class LiveView
{
    public static IRenderable Render(RunSnapshot snapshot)
    {
        var table = new Table().Border(TableBorder.Rounded).Expand();
        foreach (var (name, right) in new[]
        {
            ("stream", false), ("status", false), ("frames", true), ("fps", true), ("dropped", true), ("damaged", true),
            ("reconn", true), ("errors", true), ("score", true), ("surprise per level", false), ("anomaly", false), ("last error", false),
        })
        {
            var column = new TableColumn(name);
            table.AddColumn(right ? column.RightAligned() : column);
        }

        foreach (var r in snapshot.Streams)
        {
            table.AddRow(
                Markup.Escape(r.Stream),
                Status(r.Status),
                r.Frames.ToString(CultureInfo.InvariantCulture),
                r.Fps.ToString("0.0", CultureInfo.InvariantCulture),
                Count(r.Dropped, "yellow"),
                Count(r.Damaged, "yellow"),
                Count(r.Reconnects, "yellow"),
                Count(r.Errors, "red"),
                StreamSummary.Number(r.Score),
                Markup.Escape(r.LevelText),
                r.Anomaly ? "[bold red]OPEN[/]" : "[grey]-[/]",
                Markup.Escape(r.LastError ?? "-"));
        }

        var lines = new List<IRenderable> { new Markup($"[bold]{Markup.Escape(snapshot.Headline)}[/]") };
        lines.AddRange(new[] { snapshot.Learning, snapshot.Publishing }.OfType<string>().Select(l => new Markup(Markup.Escape(l))));
        lines.Add(table);
        return new Rows(lines);
    }

    private static string Status(string status) => status switch
    {
        "running" => "[green]running[/]",
        "reconnecting" or "starting" or "warming up" => $"[yellow]{status}[/]",
        "failed" or "frozen" => $"[red]{status}[/]",
        _ => $"[grey]{status}[/]",
    };

    private static string Count(long value, string colour) =>
        value == 0 ? "0" : $"[{colour}]{value.ToString(CultureInfo.InvariantCulture)}[/]";
}
