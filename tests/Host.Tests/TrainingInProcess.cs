namespace StreamJepa.Host.Tests;

/// <summary>
/// Tests that train a model inside the test process run one at a time: in a full run, two trainings in the same
/// process at once once failed inside libtorch's AdamW step ("Expected false to be true"), which neither shows alone.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TrainingInProcess
{
    public const string Name = "training in process";
}
