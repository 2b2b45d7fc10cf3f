using ELFSharp.ELF;
using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Ebpf.Tests.Objects;

/// <summary>The committed clang-14 test objects (Objects/programs/*.bpf.o), copied beside the test assembly.</summary>
internal static class TestObjects
{
    /// <summary>Objects the loader must accept.</summary>
    public static readonly string[] Names = ["calls", "encap", "globals", "helpers", "legacy", "maps", "parser", "tailcall"];

    /// <summary>Objects clang compiles but the loader must reject (invalid map definitions).</summary>
    public static readonly string[] Invalid = ["bad_entries", "bad_field"];

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Objects", "programs");

    public static string PathOf(string name) => Path.Combine(Directory, name + ".bpf.o");

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static BpfObject Load(string name) => ObjectLoader.LoadFile(PathOf(name));

    public static string[] SourceLines(string name) => File.ReadAllLines(Path.Combine(Directory, name + ".bpf.c"));

    /// <summary>1-based line number of the only source line containing <paramref name="snippet"/>.</summary>
    public static int LineOf(string name, string snippet)
    {
        var lines = SourceLines(name);
        var found = Array.FindAll(Enumerable.Range(0, lines.Length).ToArray(), i => lines[i].Contains(snippet, StringComparison.Ordinal));
        Assert.True(found.Length == 1, $"'{snippet}' must occur exactly once in {name}.bpf.c (found {found.Length})");
        return found[0] + 1;
    }

    /// <summary>File offset and size of a section, read with ELFSharp (independent of the loader).</summary>
    public static (int Offset, int Size) Section(byte[] elf, string sectionName)
    {
        using var file = ELFReader.Load<ulong>(new MemoryStream(elf), true);
        var section = file.GetSection(sectionName);
        return ((int)section.Offset, (int)section.Size);
    }

    /// <summary>File ranges of the sections a mutation should hit to reach the loader's parsing code.</summary>
    public static List<(int Offset, int Size)> InterestingRanges(byte[] elf)
    {
        using var file = ELFReader.Load<ulong>(new MemoryStream(elf), true);
        var ranges = new List<(int, int)>();
        foreach (var section in file.Sections)
        {
            var name = section.Name;
            if (name is ".BTF" or ".BTF.ext" or ".symtab" or ".maps" or "maps" or "license" or "version" or ".strtab" ||
                name.StartsWith(".rel", StringComparison.Ordinal) && !name.Contains("debug", StringComparison.Ordinal) ||
                name.StartsWith(".data", StringComparison.Ordinal) || name.StartsWith(".rodata", StringComparison.Ordinal) ||
                name is "xdp" or "tc" or ".text" or "socket")
            {
                if (section.Size > 0 && section.Offset + section.Size <= (ulong)elf.Length)
                {
                    ranges.Add(((int)section.Offset, (int)section.Size));
                }
            }
        }

        var shoff = (int)BitConverter.ToUInt64(elf, 40);
        ranges.Add((shoff, elf.Length - shoff));
        ranges.Add((0, 64));
        return ranges;
    }
}
