using System.Buffers.Binary;
using System.Text;

namespace StreamJepa.Model;

/// <summary>
/// Reads the float initialisers (the weights) of an ONNX model file and the order of its operators: the protobuf
/// fields ModelProto.graph (7) → GraphProto.node (1: NodeProto input 1, output 2, op_type 4) and .initializer (5:
/// TensorProto dims 1, data_type 2, float_data 4, name 8, raw_data 9). Nothing else of the model is interpreted and no
/// ONNX runtime is involved; a file that is not such a model is refused.
/// </summary>
public static class OnnxInitializers
{
    private const int FloatType = 1;

    /// <summary>
    /// The model at <paramref name="path"/>, read once: every float initialiser (name → dims and values in row-major
    /// order) and the graph's operators in file order (topological in exported models).
    /// </summary>
    public static OnnxGraph Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var graph = Graph(bytes, path);
        var tensors = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        var nodes = new List<OnnxNode>();
        foreach (var field in Fields(bytes, graph.Start, graph.Start + graph.Length).Where(f => f.Length >= 0))
        {
            if (field.Number == 5 && Tensor(bytes, field.Start, field.Start + field.Length) is { } tensor)
            {
                tensors[tensor.Name] = (tensor.Dims, tensor.Values);
            }
            else if (field.Number == 1)
            {
                nodes.Add(Node(bytes, field.Start, field.Start + field.Length));
            }
        }

        return new OnnxGraph(tensors, nodes);
    }

    private static OnnxNode Node(byte[] bytes, int start, int end)
    {
        var parts = Fields(bytes, start, end).Where(f => f.Length >= 0).ToList();
        string Text((int Number, long Value, int Start, int Length) f) => Encoding.UTF8.GetString(bytes, f.Start, f.Length);
        return new OnnxNode(
            parts.Where(f => f.Number == 4).Select(Text).FirstOrDefault() ?? string.Empty,
            [.. parts.Where(f => f.Number == 1).Select(Text)],
            [.. parts.Where(f => f.Number == 2).Select(Text)]);
    }

    private static (int Start, int Length) Graph(byte[] bytes, string path)
    {
        var graph = Fields(bytes, 0, bytes.Length).Where(f => f.Number == 7 && f.Length >= 0).Select(f => (Start: f.Start, Length: f.Length)).DefaultIfEmpty((Start: -1, Length: -1)).Last();
        return graph.Start >= 0 ? graph : throw new InvalidDataException($"{path} is not an ONNX model (no graph)");
    }

    private static (string Name, long[] Dims, float[] Values)? Tensor(byte[] bytes, int start, int end)
    {
        var dims = new List<long>();
        var (name, type) = (string.Empty, 0L);
        ReadOnlySpan<byte> data = default;
        foreach (var f in Fields(bytes, start, end))
        {
            switch (f.Number)
            {
                case 1 when f.Length < 0:
                    dims.Add(f.Value);
                    break;
                case 1:
                    for (var i = f.Start; i < f.Start + f.Length;)
                    {
                        dims.Add((long)Varint(bytes, ref i));
                    }

                    break;
                case 2:
                    type = f.Value;
                    break;
                case 4 or 9 when f.Length >= 0:
                    data = bytes.AsSpan(f.Start, f.Length);
                    break;
                case 8 when f.Length >= 0:
                    name = Encoding.UTF8.GetString(bytes, f.Start, f.Length);
                    break;
            }
        }

        if (type != FloatType)
        {
            return null;
        }

        var count = dims.Aggregate(1L, (a, b) => a * b);
        if (data.Length != count * sizeof(float))
        {
            throw new InvalidDataException($"ONNX initialiser {name} has {data.Length} bytes for {count} floats");
        }

        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
        }

        return (name, [.. dims], values);
    }

    /// <summary>The protobuf fields between <paramref name="start"/> and <paramref name="end"/>: varints as Value (Length −1), length-delimited ones as Start and Length.</summary>
    private static IEnumerable<(int Number, long Value, int Start, int Length)> Fields(byte[] bytes, int start, int end)
    {
        var list = new List<(int, long, int, int)>();
        var i = start;
        while (i < end)
        {
            var key = Varint(bytes, ref i);
            var (number, wire) = ((int)(key >> 3), (int)(key & 7));
            switch (wire)
            {
                case 0:
                    list.Add((number, (long)Varint(bytes, ref i), 0, -1));
                    break;
                case 1:
                    i += 8;
                    break;
                case 2:
                    var length = (int)Varint(bytes, ref i);
                    if (length < 0 || i + length > end)
                    {
                        throw new InvalidDataException("ONNX model is truncated or damaged");
                    }

                    list.Add((number, 0, i, length));
                    i += length;
                    break;
                case 5:
                    i += 4;
                    break;
                default:
                    throw new InvalidDataException($"ONNX model has a protobuf field of wire type {wire}");
            }
        }

        return list;
    }

    private static ulong Varint(byte[] bytes, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (i >= bytes.Length)
            {
                throw new InvalidDataException("ONNX model is truncated");
            }

            var b = bytes[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("ONNX model has a malformed varint");
    }
}

/// <summary>What <see cref="OnnxInitializers.Read"/> takes from a model: its float initialisers and its operators in order.</summary>
public sealed record OnnxGraph(IReadOnlyDictionary<string, (long[] Dims, float[] Values)> Initializers, IReadOnlyList<OnnxNode> Nodes);

/// <summary>One operator of an ONNX graph: its type and the names of its inputs and outputs.</summary>
public sealed record OnnxNode(string Op, string[] Inputs, string[] Outputs);
