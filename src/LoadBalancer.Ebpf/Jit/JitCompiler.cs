using System.Diagnostics;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Jit.Internal;

namespace LoadBalancer.Ebpf.Jit;

/// <summary>
/// Compiles a validated <see cref="BpfProgram"/> to IL in a collectible assembly (one static method
/// per bpf function, registers as IL arguments/locals, helpers called directly) and has the .NET JIT
/// turn it into native code before returning, so the first run pays nothing. Every load and store is
/// bounds-checked against the run context's regions like the interpreter's, except stack accesses at
/// constant offsets from r10 and, for a program the verifier accepted, the accesses it proved safe
/// (context-field loads then become loads of the native field). Lookups in maps known at load time are
/// specialised (see <see cref="JitOptions"/>).
/// </summary>
public static class JitCompiler
{
    private static readonly ConditionalWeakTable<BpfProgram, JitProgram> Cache = new();

    /// <summary>
    /// A fixed region size for tests (instructions per region method); the compiler's own choice is
    /// <see cref="AdaptiveRegions"/>.
    /// </summary>
    internal const int DefaultRegionSize = 800;

    /// <summary>
    /// Region size chosen per function from its estimated IL (<see cref="FunctionLayout.EstimateIl"/>):
    /// one method while the .NET JIT still optimises it fully (it drops to MinOpts above ~60 KB of IL or
    /// ~2,000 basic blocks), else regions of about <see cref="RegionIlBudget"/> bytes, which it compiles
    /// faster per byte than larger ones.
    /// </summary>
    internal const int AdaptiveRegions = 0;

    /// <summary>Largest estimated IL of a function emitted as one method.</summary>
    internal const int SingleMethodIlBudget = 36_000;

    /// <summary>Estimated IL per region when a function is split.</summary>
    internal const int RegionIlBudget = 12_000;
    private static int _assemblies;

    /// <summary>
    /// Compiles <paramref name="program"/> (a new compilation every call) with <see cref="JitOptions.Default"/>:
    /// a verified program's proven accesses run unchecked, lookups in its load-time maps are specialised.
    /// </summary>
    /// <param name="program">The program; its helper table is bound now (helpers registered later are not seen).</param>
    /// <param name="provenSafe">
    /// Optional, by instruction index: true where a load, store or atomic is known in bounds (and an
    /// atomic aligned); those are emitted without a check. When given it replaces the verifier's facts.
    /// </param>
    /// <exception cref="JitException">The program could not be compiled (names the instruction where known).</exception>
    public static JitProgram Compile(BpfProgram program, bool[]? provenSafe = null) => Compile(program, provenSafe, JitOptions.Default, AdaptiveRegions);

    /// <summary>Compiles <paramref name="program"/> with the given options (a new compilation every call).</summary>
    /// <exception cref="JitException">The program could not be compiled (names the instruction where known).</exception>
    public static JitProgram Compile(BpfProgram program, JitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Compile(program, null, options, AdaptiveRegions);
    }

    /// <summary>As <see cref="Compile(BpfProgram, bool[])"/> with a chosen region size (tests force tiny regions).</summary>
    internal static JitProgram Compile(BpfProgram program, bool[]? provenSafe, int regionSize) => Compile(program, provenSafe, JitOptions.Default, regionSize);

    /// <summary>The full form: explicit proofs, options and region size.</summary>
    internal static JitProgram Compile(BpfProgram program, bool[]? provenSafe, JitOptions options, int regionSize)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentOutOfRangeException.ThrowIfNegative(regionSize);
        var watch = Stopwatch.StartNew();
        try
        {
            return CompileCore(program, CompilePlan.For(program, provenSafe, options), regionSize, watch);
        }
        catch (Exception e) when (e is InvalidProgramException or NotSupportedException or ArgumentException or InvalidOperationException or TypeLoadException or BadImageFormatException)
        {
            throw new JitException($"The JIT could not compile program '{program.Name}' ({program.Length} slots): {e.Message}. Run it with the interpreter instead and report the program.", e);
        }
    }

    /// <summary>The compiled code of <paramref name="program"/>, compiled once and kept while the program lives (tail-call targets).</summary>
    public static JitProgram GetOrCompile(BpfProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return Cache.GetValue(program, static p => Compile(p));
    }

    /// <summary>The whole function when its estimated IL and blocks fit one fully optimised method, else regions of about <see cref="RegionIlBudget"/> bytes.</summary>
    private static int AdaptiveRegionSize(FunctionLayout layout, Isa.Instruction[] code, CompilePlan plan)
    {
        var (il, blocks) = layout.EstimateIl(code, plan);
        if (il <= SingleMethodIlBudget && blocks <= 1_200)
        {
            return int.MaxValue;
        }

        return (int)Math.Clamp((long)layout.Pcs.Length * RegionIlBudget / Math.Max(il, 1), 64, layout.Pcs.Length);
    }

    private static JitProgram CompileCore(BpfProgram program, CompilePlan plan, int regionSize, Stopwatch watch)
    {
        var code = program.SlotArray;
        var id = Interlocked.Increment(ref _assemblies);
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName($"LoadBalancer.Ebpf.Jitted{id}"), AssemblyBuilderAccess.RunAndCollect);
        var module = assembly.DefineDynamicModule($"LoadBalancer.Ebpf.Jitted{id}");
        var type = module.DefineType("BpfProgram" + id, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract | TypeAttributes.Class);

        // Functions: the main one and every local call target reachable from it.
        var layouts = new Dictionary<int, FunctionLayout>();
        var methods = new Dictionary<int, MethodBuilder>();
        var pending = new Stack<int>();
        pending.Push(0);
        while (pending.Count > 0)
        {
            var entry = pending.Pop();
            if (layouts.ContainsKey(entry))
            {
                continue;
            }

            var layout = FunctionLayout.Build(code, entry);
            layouts[entry] = layout;
            var method = type.DefineMethod($"f{entry}", MethodAttributes.Public | MethodAttributes.Static, typeof(ulong), FunctionEmitter.ParameterTypes);
            method.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
            method.InitLocals = false;
            methods[entry] = method;
            foreach (var target in layout.CallTargets)
            {
                pending.Push(target);
            }
        }

        var pool = new ConstantPool();
        try
        {
            var accessed = new HashSet<Assembly> { typeof(JitCompiler).Assembly };
            var allMethods = new List<MethodBuilder>(methods.Values);
            foreach (var (entry, layout) in layouts)
            {
                var regions = layout.Regions(regionSize != AdaptiveRegions ? regionSize : AdaptiveRegionSize(layout, code, plan));
                if (regions.Count == 1)
                {
                    new FunctionEmitter(methods[entry], program, layout, plan, methods, pool, accessed).Emit();
                    continue;
                }

                var parts = new List<(int FirstPc, MethodBuilder Method)>();
                var entries = layout.RegionEntries(code, regions);
                foreach (var region in regions)
                {
                    var firstPc = layout.Pcs[region.First];
                    var part = type.DefineMethod($"f{entry}_{firstPc}", MethodAttributes.Public | MethodAttributes.Static, typeof(int), FunctionEmitter.RegionParameterTypes);
                    part.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
                    part.InitLocals = false;
                    new FunctionEmitter(part, program, layout, plan, methods, pool, accessed, region, entries).Emit();
                    parts.Add((firstPc, part));
                    allMethods.Add(part);
                }

                RegionDispatcher.Emit(methods[entry], entry, parts);
            }

            var attribute = typeof(IgnoresAccessChecksToAttribute).GetConstructor([typeof(string)])!;
            foreach (var a in accessed)
            {
                assembly.SetCustomAttribute(new CustomAttributeBuilder(attribute, [a.GetName().Name!]));
            }

            var ilBytes = 0;
            foreach (var method in allMethods)
            {
                ilBytes += method.GetILGenerator().ILOffset;
            }

            var created = type.CreateType();
            var emitted = watch.Elapsed;
            MethodInfo? main = null;
            foreach (var builder in allMethods)
            {
                var method = created.GetMethod(builder.Name, BindingFlags.Public | BindingFlags.Static)!;
                RuntimeHelpers.PrepareMethod(method.MethodHandle);
                if (builder.Name == "f0")
                {
                    main = method;
                }
            }

            return new JitProgram(program, created, main!, allMethods.Count, ilBytes, watch.Elapsed, [.. plan.UsedMaps], plan.TranslatesContext, pool) { EmitTime = emitted };
        }
        catch
        {
            pool.Free();
            throw;
        }
    }
}
