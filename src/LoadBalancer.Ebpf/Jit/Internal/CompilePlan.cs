using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Verification;

namespace LoadBalancer.Ebpf.Jit.Internal;

/// <summary>
/// What one compilation may rely on, shared by the emitters of its methods: accesses to emit without
/// checks, verified context-field loads to translate at compile time, whether helper arguments were
/// verified, and the load-time maps lookups may be specialised on (the ones used are collected).
/// </summary>
internal sealed class CompilePlan
{
    private CompilePlan(bool[]? uncheckedAccesses, bool[]? contextField, bool verified, Dictionary<nint, BpfMap>? maps)
    {
        Unchecked = uncheckedAccesses;
        ContextField = contextField;
        Verified = verified;
        Maps = maps;
    }

    /// <summary>By slot: the access needs no check (proven in bounds, raw memory).</summary>
    public bool[]? Unchecked { get; }

    /// <summary>By slot: a load the verifier proved to read a context field through the unmodified ctx pointer.</summary>
    public bool[]? ContextField { get; }

    /// <summary>The whole program was verified: helper arguments (map keys) are known readable.</summary>
    public bool Verified { get; }

    /// <summary>Load-time maps by handle (null: no specialisation).</summary>
    public Dictionary<nint, BpfMap>? Maps { get; }

    /// <summary>The maps specialised code was emitted for (checked before each run).</summary>
    public List<BpfMap> UsedMaps { get; } = [];

    /// <summary>True when some load was translated as a context field (needs the context check per run).</summary>
    public bool TranslatesContext { get; set; }

    public bool IsUnchecked(int pc) => Unchecked is { } u && (uint)pc < (uint)u.Length && u[pc];

    public bool IsContextField(int pc) => ContextField is { } c && (uint)pc < (uint)c.Length && c[pc];

    /// <summary>The plan for <paramref name="program"/>: explicit proofs win; else the verifier's facts when allowed.</summary>
    public static CompilePlan For(BpfProgram program, bool[]? provenSafe, JitOptions options)
    {
        Dictionary<nint, BpfMap>? maps = null;
        if (options.SpecializeMaps && program.LoadTimeMaps is { Count: > 0 } loadTime)
        {
            maps = [];
            foreach (var map in loadTime)
            {
                if (map is { IsDisposed: false } && (map is ArrayMap || map.GetType() == typeof(HashMap) || map is LruHashMap))
                {
                    maps[map.Handle] = map;
                }
            }
        }

        if (provenSafe is not null || !options.UseVerifierProofs || program.Verification is not { } verification)
        {
            return new CompilePlan(provenSafe, null, false, maps);
        }

        var facts = verification.MemoryAccesses;
        var raw = new bool[program.Length];
        var context = new bool[program.Length];
        for (var pc = 0; pc < facts.Length && pc < raw.Length; pc++)
        {
            var fact = facts[pc];
            if (!fact.ProvenSafe)
            {
                continue;
            }

            if ((fact.Regions & AccessRegions.Context) == 0)
            {
                raw[pc] = true;
            }
            else if (fact.Regions == AccessRegions.Context && program.ContextLayout is not null)
            {
                context[pc] = true;
            }
        }

        return new CompilePlan(raw, context, true, maps);
    }
}
