using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace StreamJepa.Model;

/// <summary>
/// Caps libtorch's CPU kernels at AVX2 on machines with AVX-512, where oneDNN's AVX-512 convolutions return NaN for
/// whole output channels at random while other threads are busy (frames then come back "non-finite representation"
/// and training steps go NaN; measured in docs/experiments/2026-12-02-avx512-cap.md). Both libraries read their variable
/// once, at their first kernel, so this runs when the model assembly loads. A variable the process environment
/// already sets wins: <c>ONEDNN_MAX_CPU_ISA=ALL</c> and <c>ATEN_CPU_CAPABILITY=avx512</c> restore the AVX-512 kernels.
/// </summary>
internal static partial class CpuInstructionSet
{
    /// <summary>Sets the caps unless the environment already has them; a no-op off Linux or without AVX-512.</summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "libtorch reads the variables at its first kernel; every model path loads this assembly first.")]
    internal static void Cap()
    {
        if (!OperatingSystem.IsLinux() || !Avx512F.IsSupported || !Avx2.IsSupported)
        {
            return;
        }

        _ = SetEnv("ONEDNN_MAX_CPU_ISA", "AVX2", overwrite: 0);
        _ = SetEnv("ATEN_CPU_CAPABILITY", "avx2", overwrite: 0);
    }

    // Environment.SetEnvironmentVariable does not reach the native environment on Unix; libtorch reads getenv.
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
