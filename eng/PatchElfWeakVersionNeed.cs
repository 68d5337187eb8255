// MSBuild task (compiled by RoslynCodeTaskFactory against netstandard: no Span APIs): marks one version need of an ELF shared library as weak.
//
// TorchSharp 0.107.0's libLibTorchSharp.so asks for GLIBCXX_3.4.32 only for `_ZSt21ios_base_library_initv`,
// a symbol with no relocation. Debian 12's libstdc++ stops at 3.4.30, so the loader refuses the library.
// Setting VER_FLG_WEAK on that entry of `.gnu.version_r` turns the hard failure into a warning the loader
// ignores. The task only touches copies in build/publish outputs, only when the machine's libstdc++ lacks the
// version, and is idempotent (a patched file is left as it is).
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class PatchElfWeakVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    [Required]
    public string VersionName { get; set; } = string.Empty;

    /// <summary>Libraries that, if any one defines <see cref="VersionName"/>, make the patch unnecessary.</summary>
    public ITaskItem[] SystemLibraries { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        if (Files.Length == 0)
        {
            return true;
        }

        foreach (var lib in SystemLibraries)
        {
            if (File.Exists(lib.ItemSpec) && ContainsVersionString(lib.ItemSpec))
            {
                Log.LogMessage(MessageImportance.Low, $"{lib.ItemSpec} provides {VersionName}; no patch needed.");
                return true;
            }
        }

        foreach (var item in Files)
        {
            try
            {
                var result = Patch(item.ItemSpec);
                Log.LogMessage(MessageImportance.Normal, $"{item.ItemSpec}: {result}");
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Log.LogError($"Cannot mark {VersionName} weak in {item.ItemSpec}: {ex.Message}");
            }
        }

        return !Log.HasLoggedErrors;
    }

    private bool ContainsVersionString(string path)
    {
        var needle = Encoding.ASCII.GetBytes(VersionName + "\0");
        var bytes = File.ReadAllBytes(path);
        for (var i = Array.IndexOf(bytes, needle[0]); i >= 0 && i <= bytes.Length - needle.Length; i = Array.IndexOf(bytes, needle[0], i + 1))
        {
            var match = true;
            for (var j = 1; j < needle.Length && match; j++)
            {
                match = bytes[i + j] == needle[j];
            }

            if (match)
            {
                return true;
            }
        }

        return false;
    }

    private string Patch(string path)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");
        }

        var shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        var shentsize = BitConverter.ToUInt16(elf, 0x3A);
        var shnum = BitConverter.ToUInt16(elf, 0x3C);

        for (var i = 0; i < shnum; i++)
        {
            var sh = (int)(shoff + (i * shentsize));
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed)
            {
                continue;
            }

            var offset = (int)BitConverter.ToUInt64(elf, sh + 0x18);
            var link = BitConverter.ToUInt32(elf, sh + 0x28);
            var strtab = (int)BitConverter.ToUInt64(elf, (int)(shoff + (link * shentsize)) + 0x18);
            return PatchVerneed(path, elf, offset, strtab);
        }

        throw new InvalidDataException("no .gnu.version_r section");
    }

    private string PatchVerneed(string path, byte[] elf, int verneed, int strtab)
    {
        var entry = verneed;
        while (true)
        {
            var count = BitConverter.ToUInt16(elf, entry + 2);
            var aux = entry + (int)BitConverter.ToUInt32(elf, entry + 8);
            for (var j = 0; j < count; j++)
            {
                var name = ReadString(elf, strtab + (int)BitConverter.ToUInt32(elf, aux + 8));
                if (name == VersionName)
                {
                    var flagsAt = aux + 4;
                    var flags = BitConverter.ToUInt16(elf, flagsAt);
                    if ((flags & VerFlgWeak) != 0)
                    {
                        return $"{VersionName} already weak";
                    }

                    using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
                    stream.Position = flagsAt;
                    var patched = (ushort)(flags | VerFlgWeak);
                    stream.WriteByte((byte)(patched & 0xff));
                    stream.WriteByte((byte)(patched >> 8));
                    return $"marked {VersionName} weak";
                }

                aux += (int)BitConverter.ToUInt32(elf, aux + 12);
            }

            var next = BitConverter.ToUInt32(elf, entry + 12);
            if (next == 0)
            {
                return $"does not need {VersionName}";
            }

            entry += (int)next;
        }
    }

    private static string ReadString(byte[] bytes, int start)
    {
        var end = Array.IndexOf(bytes, (byte)0, start);
        return Encoding.ASCII.GetString(bytes, start, end - start);
    }
}
