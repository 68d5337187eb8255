using System.Text.Json;

namespace StreamJepa.Core.Results;

/// <summary>The JSON form of each per-frame record, shared by the JSONL and Kafka sinks (documented in docs/jsonl.md).</summary>
public static class ResultJson
{
    public static void Write(Utf8JsonWriter json, FrameScore score)
    {
        json.WriteStartObject();
        json.WriteString("stream", score.Stream);
        json.WriteNumber("frame", score.Frame);
        json.WriteNumber("ptsMs", Math.Round(score.PtsMs, 3));
        Number(json, "score", score.Score);
        json.WriteStartArray("levels");
        foreach (var level in score.Levels)
        {
            json.WriteStartObject();
            json.WriteNumber("level", level.Level);
            Number(json, "energy", level.Energy);
            Number(json, "freeEnergy", level.FreeEnergy);
            Number(json, "surprise", level.Surprise);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteBoolean("anomaly", score.Anomaly);
        if (score.WarmingUp)
        {
            json.WriteBoolean("warmingUp", true);
        }

        if (score.Repeats > 0)
        {
            json.WriteNumber("repeats", score.Repeats);
        }

        json.WriteNumber("modelVersion", score.ModelVersion);
        if (score.Error is not null)
        {
            json.WriteString("error", score.Error);
        }

        if (score.EnergyMap is { } map)
        {
            json.WriteStartArray("energyMap");
            for (var row = 0; row < map.Rows; row++)
            {
                json.WriteStartArray();
                for (var column = 0; column < map.Columns; column++)
                {
                    json.WriteNumberValue(map[row, column]);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter json, FrameGap gap)
    {
        json.WriteStartObject();
        json.WriteString("stream", gap.Stream);
        json.WriteNumber("frame", gap.Frame);
        json.WriteBoolean(gap.Reason == FrameGapReason.Dropped ? "dropped" : "damaged", true);
        json.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter json, Embedding embedding)
    {
        json.WriteStartObject();
        json.WriteString("stream", embedding.Stream);
        json.WriteNumber("frame", embedding.Frame);
        json.WriteNumber("ptsMs", Math.Round(embedding.PtsMs, 3));
        json.WriteNumber("level", embedding.Level);
        json.WriteNumber("modelVersion", embedding.ModelVersion);
        json.WriteStartArray("vector");
        foreach (var v in embedding.Vector)
        {
            json.WriteNumberValue(v);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
