using System.Runtime.InteropServices;

namespace StreamJepa.Ingest.Pipeline;

/// <summary>
/// Lowers the scheduling priority of the calling thread (Linux: per-thread nice, which needs no privilege to
/// raise). Decoder threads run nicer than the model so that, on few cores, a batch waiting for the model is
/// served first and the decoders take what is left, instead of the two stalling each other.
/// </summary>
internal static partial class ThreadNice
{
    private const int PrioProcess = 0;

    public static void Set(int nice)
    {
        if (nice == 0 || !OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = SetPriority(PrioProcess, GetTid(), nice);
        }
        catch (EntryPointNotFoundException)
        {
        }
        catch (DllNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();
}
