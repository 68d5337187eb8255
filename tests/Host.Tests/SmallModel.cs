namespace StreamJepa.Host.Tests;

/// <summary>Command-line overrides for a tiny model (32×32 input, two levels) so end-to-end tests run in seconds.</summary>
internal static class SmallModel
{
    public static readonly string[] Settings =
    [
        "--set", "ingest.width=32", "--set", "ingest.height=32", "--set", "model.imageSize=32", "--set", "model.encoderChannels=[8,8]",
        "--set", "model.dim=16", "--set", "model.predictorChannels=16", "--set", "model.levels=[{\"window\":4,\"stride\":2,\"dim\":8,\"hidden\":16,\"contextWindows\":2}]",
    ];

    /// <summary><see cref="Settings"/> with small training batches.</summary>
    public static readonly string[] Training = [.. Settings, "--set", "training.batchSize=4"];
}
