namespace StreamJepa.Training.Tests;

/// <summary>
/// Tests whose assertions depend on the weights <c>random.manual_seed</c> gives them run alone: libtorch's default
/// generator is process-wide, so a test class building models on another thread at the same time draws from it too
/// and changes them (a full run once started the trainer test from an untrained AUC of 0.71 instead of 0.59).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SeededTorch
{
    public const string Name = "seeded torch";
}
