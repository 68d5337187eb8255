using TorchSharp;
using static TorchSharp.torch;

namespace StreamJepa.Model;

/// <summary>
/// Scalars that live as long as the process, for the constants tensor arithmetic needs. TorchSharp 0.107 converts a
/// number passed to a tensor operation into a temporary <see cref="Scalar"/> and hands its handle to native code
/// without keeping it alive, so a garbage collection during the call can finalise it while libtorch reads it
/// ("Unknown scalar type" from c10, dotnet/TorchSharp#1434 and #1496). Model and training code therefore never lets a
/// number become a Scalar implicitly: constants come from here (static, never finalised), other values are made with
/// <c>using var s = value.ToScalar()</c> around the operations that read them, and <c>1 + t</c> is written
/// <c>t + t·…</c> where a tensor form exists. Tensor addition hides one too: <c>a + b</c> and <c>a.add(b)</c> pass
/// alpha = 1 as a temporary Scalar, so sums are written <see cref="Plus"/> (or with an explicit alpha), and so does
/// <c>square()</c>, which is <c>pow(2)</c> with a temporary exponent: squares are written <see cref="Squared"/>. A
/// finalised Scalar is read as garbage: c10 throws "Unknown scalar type", or the operation uses a wrong value.
/// </summary>
public static class KeptScalars
{
    public static readonly Scalar Zero = 0.0.ToScalar();

    public static readonly Scalar Half = 0.5.ToScalar();

    public static readonly Scalar One = 1.0.ToScalar();

    public static readonly Scalar Two = 2.0.ToScalar();

    /// <summary><paramref name="left"/> + <paramref name="right"/>, with an alpha that is never finalised.</summary>
    public static Tensor Plus(this Tensor left, Tensor right) => left.add(right, One);

    /// <summary>The element-wise square of <paramref name="tensor"/>, with an exponent that is never finalised.</summary>
    public static Tensor Squared(this Tensor tensor) => tensor.pow(Two);
}
