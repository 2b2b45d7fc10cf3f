using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Validation;
using LoadBalancer.Ebpf.Verification.Internal;

namespace LoadBalancer.Ebpf.Verification;

/// <summary>
/// Proves a program safe before it runs, with the Linux kernel verifier's model
/// (Documentation/bpf/verifier.rst): every path is followed over abstract register and stack states;
/// packet accesses must be proven below <c>data_end</c>, map lookups NULL-checked, stack accesses kept
/// inside the frame, helper arguments typed, loops bounded. Runs after <see cref="BytecodeValidator"/>
/// (structurally valid slots). Pure: the same input gives the same verdict.
/// </summary>
public static class Verifier
{
    /// <summary>Verifies a program of a loaded object, with its maps (the object's <see cref="BpfObject.Maps"/>, in order).</summary>
    /// <exception cref="VerificationException">The program is not provably safe; the message says where and why.</exception>
    /// <exception cref="BytecodeException">The slots are not structurally valid.</exception>
    public static VerifierResult Verify(ProgramDefinition program, IReadOnlyList<MapDefinition> maps, VerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        return Verify(program.Instructions, program.Type, maps, options, program);
    }

    /// <summary>
    /// Verifies instruction slots as a program of <paramref name="programType"/>. Map references are
    /// lddw with <see cref="LddwSource.MapIndex"/> / <see cref="LddwSource.MapIndexValue"/> indexing
    /// <paramref name="maps"/>; <paramref name="lines"/> (optional) gives C source lines for messages.
    /// </summary>
    /// <exception cref="VerificationException">The program is not provably safe.</exception>
    /// <exception cref="BytecodeException">The slots are not structurally valid.</exception>
    public static VerifierResult Verify(
        ReadOnlySpan<Instruction> slots,
        ProgramType programType,
        IReadOnlyList<MapDefinition> maps,
        VerifierOptions? options = null,
        ProgramDefinition? lines = null)
    {
        ArgumentNullException.ThrowIfNull(maps);
        options ??= VerifierOptions.Default;
        BytecodeValidator.Validate(slots, AllHelpers);
        var insns = slots.ToArray();
        var ctx = ContextDescription.For(programType)
            ?? throw new VerificationException(
                $"program type {programType} is not supported by the verifier yet (only XDP): load it as an XDP program or extend the verifier's context description",
                -1,
                null,
                null,
                null);

        var shape = ProgramShape.Build(insns, out var error);
        if (error is { } e)
        {
            throw Static(insns, lines, e.Pc, e.Message);
        }

        if (options.Strict && shape.HasBackEdge)
        {
            throw Static(insns, lines, shape.FirstBackEdge.From, $"back-edge from insn {shape.FirstBackEdge.From} to {shape.FirstBackEdge.To}: loops are not allowed for unprivileged programs; unroll the loop");
        }

        var checker = new Checker(insns, lines, maps, options, ctx, shape);
        return checker.Run();
    }

    /// <summary>True when the verifier models programs of <paramref name="programType"/> (their context); others are rejected.</summary>
    public static bool Supports(ProgramType programType) => ContextDescription.For(programType) is not null;

    /// <summary>Every helper id the verifier knows; whether the runtime provides them is the runtime's check.</summary>
    private static readonly HelperTable AllHelpers = BuildHelperTable();

    private static HelperTable BuildHelperTable()
    {
        var table = new HelperTable();
        for (var id = 1; id < HelperIds.Count; id++)
        {
            table.Register(id, HelperIds.NameOf(id) ?? $"helper_{id}", static (_, _, _, _, _, _) => 0);
        }

        return table;
    }

    private static VerificationException Static(Instruction[] insns, ProgramDefinition? lines, int pc, string message) =>
        new(message, pc, pc >= 0 && pc < insns.Length ? Text.Disassembler.Format(insns, pc) : null, lines?.LineAt(pc), null);
}
