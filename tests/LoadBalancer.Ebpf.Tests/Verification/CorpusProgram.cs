using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Ebpf.Tests.Verification;

/// <summary>
/// One clang-compiled XDP program of the verifier corpus (Verification/corpus/{accept,reject}/*.c) or
/// of the object-loader test objects, with the expectations its source states in comment lines:
/// <c>// EXPECT: text</c> (the rejection reason must contain it) and <c>// STRICT</c> (rejected only
/// under <see cref="LoadBalancer.Ebpf.Verification.VerifierOptions.Strict"/>; a root loader accepts it).
/// </summary>
internal sealed record CorpusProgram(string Name, string Kind, ProgramDefinition Program, IReadOnlyList<MapDefinition> Maps, string? Expect, bool StrictOnly, LoadBalancer.Ebpf.Btf.BtfSpec? Btf = null)
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Verification", "corpus");

    public static IEnumerable<string> Names(string kind) =>
        Directory.GetFiles(Path.Combine(Root, kind), "*.o").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static CorpusProgram Load(string kind, string name)
    {
        var obj = ObjectLoader.LoadFile(Path.Combine(Root, kind, name + ".o"));
        var program = Assert.Single(obj.Programs, p => p.Type == ProgramType.Xdp);
        string? expect = null;
        var strict = false;
        foreach (var line in File.ReadLines(Path.Combine(Root, kind, name + ".c")))
        {
            if (line.StartsWith("// EXPECT:", StringComparison.Ordinal))
            {
                expect = line["// EXPECT:".Length..].Trim();
            }
            else if (line.Trim() == "// STRICT")
            {
                strict = true;
            }
        }

        return new CorpusProgram(name, kind, program, obj.Maps, expect, strict, obj.Btf);
    }

    /// <summary>The XDP programs of the object-loader test objects, which the kernel loads: part of the accept corpus.</summary>
    public static IEnumerable<CorpusProgram> LoaderObjects()
    {
        foreach (var name in Objects.TestObjects.Names)
        {
            var obj = Objects.TestObjects.Load(name);
            foreach (var program in obj.Programs)
            {
                if (program.Type == ProgramType.Xdp)
                {
                    yield return new CorpusProgram($"{name}:{program.Name}", "accept", program, obj.Maps, null, false, obj.Btf);
                }
            }
        }
    }

    /// <summary>Every program of both corpora.</summary>
    public static IEnumerable<CorpusProgram> All() =>
        Names("accept").Select(n => Load("accept", n)).Concat(LoaderObjects()).Concat(Names("reject").Select(n => Load("reject", n)));

    public override string ToString() => $"{Kind}/{Name}";
}
