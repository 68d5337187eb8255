using StreamJepa.Inference.Configuration;
using StreamJepa.Model;
using StreamJepa.Model.Configuration;

namespace StreamJepa.Inference.Engine;

/// <summary>The model a run starts with: from the configured checkpoint, or freshly initialised (version 0).</summary>
public static class ModelLoader
{
    /// <param name="inference">The checkpoint to load, or the seed of fresh weights.</param>
    /// <param name="model">The configured architecture: checked against the checkpoint's, or the one to initialise (the defaults when null).</param>
    public static (HJepa Model, CheckpointHeader Header) Load(InferenceOptions inference, HJepaConfig? model)
    {
        if (inference.Checkpoint is { } path)
        {
            return Checkpoint.Load(path, model);
        }

        var config = model ?? new HJepaConfig();
        TorchSharp.torch.random.manual_seed(inference.Seed);
        return (new HJepa(config), new CheckpointHeader(config, 0, 0, DateTimeOffset.UtcNow, []));
    }
}
