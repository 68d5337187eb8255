using System.Reflection;

namespace StreamJepa.Model;

/// <summary>
/// Where ResNet18's ONNX export is found: <c>STREAMJEPA_RESNET18_ONNX</c>, else <c>models/ResNet18.onnx</c> beside the
/// program (the host's build copies it there), else the NuGet package <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>
/// that the build downloaded (its path is recorded in this assembly).
/// </summary>
public static class ResNetWeights
{
    public const string EnvironmentVariable = "STREAMJEPA_RESNET18_ONNX";

    public static string Find()
    {
        string?[] candidates =
        [
            Environment.GetEnvironmentVariable(EnvironmentVariable),
            Path.Combine(AppContext.BaseDirectory, "models", "ResNet18.onnx"),
            typeof(ResNetWeights).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "ResNet18Onnx")?.Value,
        ];
        return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(c))
            ?? throw new FileNotFoundException($"model.stem resnet18 needs ResNet18.onnx (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18, tools/DnnImageModels/ResNet18Onnx); set {EnvironmentVariable} to its path. Looked in: {string.Join(", ", candidates.Where(c => !string.IsNullOrEmpty(c)))}");
    }
}
