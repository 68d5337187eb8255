using StreamJepa.Model.Configuration;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace StreamJepa.Model;

/// <summary>
/// Encoder of a level above the first: a window of the level below's vectors (B, W, Din) becomes one more
/// abstract, layer-normalised representation (B, Dout).
/// </summary>
public sealed class WindowEncoder : Module<Tensor, Tensor>
{
    [ComponentName(Name = "mlp")]
    private readonly Sequential _mlp;
    [ComponentName(Name = "norm")]
    private readonly LayerNorm _norm;
    private readonly TemporalLevelConfig _level;
    private readonly int _inputDim;

    public WindowEncoder(TemporalLevelConfig level, int inputDim)
        : base(nameof(WindowEncoder))
    {
        _level = level;
        _inputDim = inputDim;
        _mlp = Sequential(
            ("in", Linear(level.Window * inputDim, level.Hidden)),
            ("act", GELU()),
            ("out", Linear(level.Hidden, level.Dim)));
        _norm = LayerNorm(level.Dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor windows)
    {
        using var scope = NewDisposeScope();
        if (windows.dim() != 3 || windows.shape[1] != _level.Window || windows.shape[2] != _inputDim)
        {
            throw new ArgumentException($"expected windows (B, {_level.Window}, {_inputDim}), got ({string.Join(", ", windows.shape)})", nameof(windows));
        }

        var flat = windows.reshape(windows.shape[0], _level.Window * _inputDim);   // (B, W·Din)
        return _norm.forward(_mlp.forward(flat)).MoveToOuterDisposeScope();          // (B, Dout)
    }
}
