using StreamJepa.Core.Configuration;
using StreamJepa.Core.Modeling;
using StreamJepa.Model;

namespace StreamJepa.Inference.Engine;

/// <summary>The model a run starts with: from the configured checkpoint, or freshly initialised (version 0).</summary>
public static class ModelLoader
{
    public static (HJepa Model, CheckpointHeader Header) Load(StreamJepaOptions options)
    {
        if (options.Inference.Checkpoint is { } path)
        {
            return Checkpoint.Load(path, options.Model);
        }

        var config = options.Model ?? new HJepaConfig();
        TorchSharp.torch.random.manual_seed(options.Inference.Seed);
        return (new HJepa(config), new CheckpointHeader(config, 0, 0, DateTimeOffset.UtcNow, []));
    }
}
