using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace StreamJepa.Model;

/// <summary>
/// The first stages of ImageNet-trained ResNet18, frozen: conv1 (7×7, stride 2) with its batch norm, ReLU, max-pool
/// (stride 2) and layer1 (two residual blocks of 3×3 convolutions), each batch norm folded into its convolution. Frames
/// (B, 3, H, W) normalised as ingest does by default (RGB, mean 0.5, std 0.25) → features (B, 64, H/4, W/4). The
/// weights are buffers, not parameters: no optimiser or EMA update touches them, and checkpoints carry them.
/// </summary>
public sealed class ResNetStem : Module<Tensor, Tensor>
{
    /// <summary>Channels of the features.</summary>
    public const int Channels = 64;

    /// <summary>Pixels per feature along each side.</summary>
    public const int Stride = 4;

    // The network was trained on BGR pixels (0–255) less the ImageNet channel means, as ML.NET's ResNetPreprocess.onnx
    // prepares them; ingest gives RGB (p − 0.5) / 0.25 with p in 0–1.
    private static readonly float[] BgrMeans = [103.06f, 115.90f, 123.15f];
    private const float IngestMean = 0.5f;
    private const float IngestStd = 0.25f;
    private const double BatchNormEpsilon = 1e-5;

    private readonly ZeroPad2d _padConv1 = ZeroPad2d((3, 2, 3, 2));   // the exported pads: 3 before, 2 after
    private readonly ZeroPad2d _padPool = ZeroPad2d((1, 0, 1, 0));
    private readonly MaxPool2d _pool = MaxPool2d(3, 2);

    public ResNetStem()
        : base(nameof(ResNetStem))
    {
        register_buffer("input_scale", zeros(1, 3, 1, 1));
        register_buffer("input_shift", zeros(1, 3, 1, 1));
        register_buffer("conv1_weight", zeros(Channels, 3, 7, 7));
        register_buffer("conv1_bias", zeros(Channels));
        for (var i = 0; i < 4; i++)
        {
            register_buffer($"layer1_{i}_weight", zeros(Channels, Channels, 3, 3));
            register_buffer($"layer1_{i}_bias", zeros(Channels));
        }

        RegisterComponents();
        using (no_grad())
        {
            // 255·(x·std + mean) − channel mean, with the channels reversed in Load.
            using var scale = (255 * IngestStd).ToScalar();
            get_buffer("input_scale")!.fill_(scale);
            using var shift = tensor(BgrMeans.Select(m => (255 * IngestMean) - m).ToArray());
            get_buffer("input_shift")!.copy_(shift.view(1, 3, 1, 1));
        }
    }

    public override Tensor forward(Tensor frames)
    {
        using var scope = NewDisposeScope();
        var x = frames.flip(1).mul(get_buffer("input_scale")!).Plus(get_buffer("input_shift")!);   // RGB → BGR, ResNet's units
        x = functional.relu(functional.conv2d(_padConv1.forward(x), get_buffer("conv1_weight")!, get_buffer("conv1_bias")!, strides: [2, 2]));
        x = _pool.forward(_padPool.forward(x));                      // (B, 64, H/4, W/4); inputs ≥ 0, so zero padding is max-pool padding
        for (var block = 0; block < 2; block++)
        {
            var inner = functional.relu(Conv3x3(x, 2 * block));
            x = functional.relu(Conv3x3(inner, (2 * block) + 1).Plus(x));
        }

        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Loads the weights from ResNet18's ONNX export (ML.NET's <c>ResNet18.onnx</c>): the first five convolutions in
    /// graph order and the batch norm that follows each, folded together. Throws <see cref="InvalidDataException"/> when
    /// the file does not hold a ResNet18 of that shape.
    /// </summary>
    public void Load(string onnxPath)
    {
        var (weights, nodes) = OnnxInitializers.Read(onnxPath);
        var convs = nodes.Where(n => n.Op == "Conv").Take(5).ToList();
        string[] names = ["conv1", "layer1_0", "layer1_1", "layer1_2", "layer1_3"];
        long[][] shapes = [[Channels, 3, 7, 7], .. Enumerable.Repeat<long[]>([Channels, Channels, 3, 3], 4)];
        if (convs.Count < 5)
        {
            throw new InvalidDataException($"{onnxPath}: expected ResNet18 (five convolutions before layer2), found {convs.Count}");
        }

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var epsilon = BatchNormEpsilon.ToScalar();
        for (var i = 0; i < 5; i++)
        {
            var norm = nodes.FirstOrDefault(n => n.Op == "BatchNormalization" && n.Inputs.Length > 0 && n.Inputs[0] == convs[i].Outputs[0]);
            if (norm?.Inputs is not { Length: 5 } || !weights.TryGetValue(convs[i].Inputs[1], out var w) || !w.Dims.SequenceEqual(shapes[i]))
            {
                throw new InvalidDataException($"{onnxPath}: convolution {i + 1} is not ResNet18's (shape or batch norm differ)");
            }

            var (scale, shift, mean, variance) = (Vector(weights, norm.Inputs[1]), Vector(weights, norm.Inputs[2]), Vector(weights, norm.Inputs[3]), Vector(weights, norm.Inputs[4]));
            var factor = scale.div(variance.add(epsilon, KeptScalars.One).sqrt());                          // (64)
            get_buffer($"{names[i]}_weight")!.copy_(tensor(w.Values).view(shapes[i]).mul(factor.view(-1, 1, 1, 1)));
            get_buffer($"{names[i]}_bias")!.copy_(shift.sub(mean.mul(factor)));
        }
    }

    private Tensor Conv3x3(Tensor x, int index) =>
        functional.conv2d(x, get_buffer($"layer1_{index}_weight")!, get_buffer($"layer1_{index}_bias")!, padding: [1, 1]);

    private static Tensor Vector(IReadOnlyDictionary<string, (long[] Dims, float[] Values)> weights, string name) =>
        weights.TryGetValue(name, out var v) && v.Values.Length == Channels
            ? tensor(v.Values)
            : throw new InvalidDataException($"batch-norm input {name} is missing or not {Channels} values");
}
