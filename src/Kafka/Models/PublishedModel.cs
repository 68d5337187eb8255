namespace StreamJepa.Kafka.Models;

/// <summary>A model version read whole from the model topic: its checkpoint's bytes, checked against the manifest's SHA-256.</summary>
public sealed record PublishedModel(long Version, byte[] Checkpoint, string Sha256, DateTimeOffset PublishedUtc);
