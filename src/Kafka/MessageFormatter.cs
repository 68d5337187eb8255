using System.Globalization;
using System.Text;
using Confluent.Kafka;
using StreamJepa.Kafka.Messages;

namespace StreamJepa.Kafka;

/// <summary>One readable line per consumed message (<c>streamjepa tail</c>): where it sits, its schema, and its content decoded.</summary>
public static class MessageFormatter
{
    public static string Format(ConsumeResult<string, byte[]> result)
    {
        var headers = result.Message.Headers;
        var schema = MessageHeaders.Get(headers, MessageHeaders.Schema) ?? "?";
        var place = string.Create(CultureInfo.InvariantCulture, $"{result.Topic} p{result.Partition.Value}@{result.Offset.Value} key={result.Message.Key}");
        var model = MessageHeaders.Get(headers, MessageHeaders.ModelVersion);
        return $"{place} {schema} (model v{model ?? "?"}): {Content(schema, result.Message.Value)}";
    }

    private static string Content(string schema, byte[]? value)
    {
        if (value is null)
        {
            return "(no value)";
        }

        try
        {
            if (schema == EmbeddingCodec.SchemaName)
            {
                var e = EmbeddingCodec.Decode(value);
                var norm = Math.Sqrt(e.Vector.Sum(v => (double)v * v));
                var head = string.Join(", ", e.Vector.Take(4).Select(v => v.ToString("0.###", CultureInfo.InvariantCulture)));
                return string.Create(CultureInfo.InvariantCulture,
                    $"stream {e.Stream} frame {e.Frame} ({e.PtsMs / 1000:0.00} s) level {e.Level} dim {e.Vector.Length} |v| {norm:0.###} [{head}{(e.Vector.Length > 4 ? ", …" : string.Empty)}]");
            }

            if (schema == AnomalyMessage.SchemaName)
            {
                var m = AnomalyMessage.Parse(value);
                var e = m.Episode;
                var span = e.EndFrame is { } end ? $"frames {e.StartFrame}-{end}" : $"from frame {e.StartFrame}";
                return string.Create(CultureInfo.InvariantCulture,
                    $"{m.Event.ToUpperInvariant()} stream {e.Stream} {e.Kind} episode #{e.Number} {span} ({e.Frames} frames) peak {e.PeakScore:0.0} levels fired [{string.Join(",", e.FiredLevels)}]");
            }

            return Encoding.UTF8.GetString(value);
        }
        catch (FormatException ex)
        {
            return $"(undecodable: {ex.Message}) {value.Length} bytes";
        }
    }
}
