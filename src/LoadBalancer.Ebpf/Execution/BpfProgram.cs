using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Validation;

namespace LoadBalancer.Ebpf.Execution;

/// <summary>
/// A program ready to run: its slots have passed <see cref="BytecodeValidator"/> against its helper
/// table, and every <c>lddw</c> has its final 64-bit value (plain immediates directly, other source
/// kinds through an <see cref="LddwResolver"/>). Immutable; shared by every worker and engine.
/// </summary>
public sealed unsafe class BpfProgram
{
    private readonly Instruction[] _slots;
    private readonly ulong[] _lddwValues;
    private readonly bool[] _isCallback;

    /// <summary>Validates and prepares a program.</summary>
    /// <param name="slots">The instruction slots.</param>
    /// <param name="helpers">The helpers the program may call (the same table is used when it runs).</param>
    /// <param name="resolver">Resolves lddw source kinds other than imm64; without one such lddw are rejected.</param>
    /// <param name="name">A name for messages (section or function name).</param>
    /// <exception cref="BytecodeException">The bytecode breaks a rule, or an lddw cannot be resolved.</exception>
    public BpfProgram(ReadOnlySpan<Instruction> slots, HelperTable helpers, LddwResolver? resolver = null, string name = "program")
    {
        ArgumentNullException.ThrowIfNull(helpers);
        BytecodeValidator.Validate(slots, helpers);
        // Pinned (never moves), so engines hold a raw pointer and function addresses stay valid.
        _slots = GC.AllocateUninitializedArray<Instruction>(slots.Length, pinned: true);
        slots.CopyTo(_slots);
        _lddwValues = new ulong[_slots.Length];
        _isCallback = new bool[_slots.Length];
        for (var pc = 0; pc < _slots.Length; pc++)
        {
            var insn = _slots[pc];
            if (insn.Code != Opcode.Lddw)
            {
                continue;
            }

            var next = _slots[pc + 1];
            var source = (LddwSource)insn.Src;
            if (source == LddwSource.Imm64)
            {
                _lddwValues[pc] = Instruction.LddwValue(insn, next);
            }
            else if (source == LddwSource.Function)
            {
                // The address of the target instruction (validated in range), as the kernel loads the
                // subprogram's address; helpers taking callbacks map it back with FunctionIndex.
                var target = pc + 1 + insn.Imm;
                _isCallback[target] = true;
                _lddwValues[pc] = (ulong)(Code + target);
            }
            else if (resolver is null)
            {
                throw new BytecodeException(
                    $"Invalid instruction at PC {pc} {insn}: lddw with source kind {source} needs the loader to resolve it (maps, BTF ids and function addresses come from an object file).",
                    pc);
            }
            else
            {
                _lddwValues[pc] = resolver(pc, source, insn.Imm, next.Imm);
            }

            pc++;
        }

        Helpers = helpers;
        Name = name;
    }

    /// <summary>Decodes raw little-endian bytecode (8 bytes per slot) and prepares it.</summary>
    /// <exception cref="BytecodeException">The length is not a multiple of 8, or the bytecode breaks a rule.</exception>
    public static BpfProgram FromBytecode(ReadOnlySpan<byte> bytecode, HelperTable helpers, LddwResolver? resolver = null, string name = "program")
    {
        if (bytecode.Length % Instruction.Size != 0)
        {
            throw new BytecodeException(
                $"Bytecode of {bytecode.Length} bytes is not a whole number of {Instruction.Size}-byte instructions; the input is truncated or not eBPF.",
                bytecode.Length / Instruction.Size);
        }

        return new BpfProgram(Instruction.Decode(bytecode), helpers, resolver, name);
    }

    /// <summary>
    /// How the program's context struct maps onto the native struct the host registers as the context
    /// region (<see cref="ProgramTypes.XdpContextLayout"/> for XDP); null when the program reads raw
    /// context memory. Engines translate accesses through r1's region with it.
    /// </summary>
    public ContextLayout? ContextLayout { get; init; }

    /// <summary>
    /// What the verifier proved when the program was loaded (<see cref="Runtime.LoadedObjectOptions.Verify"/>):
    /// figures and per-instruction memory facts an engine may use to omit checks; null when not verified.
    /// </summary>
    public Verification.VerifierResult? Verification { get; init; }

    /// <summary>
    /// The maps the loader resolved this program's <c>lddw</c> map references to (null when unknown): an
    /// engine may specialise code on a map value that is one of these (the JIT inlines their lookups).
    /// </summary>
    public IReadOnlyList<Maps.BpfMap>? LoadTimeMaps { get; init; }

    /// <summary>The validated instruction slots.</summary>
    public ReadOnlySpan<Instruction> Slots => _slots;

    /// <summary>Number of slots.</summary>
    public int Length => _slots.Length;

    /// <summary>The helpers the program was validated against and calls at run time.</summary>
    public HelperTable Helpers { get; }

    /// <summary>Name for messages.</summary>
    public string Name { get; }

    /// <summary>The resolved 64-bit value of the lddw whose first slot is <paramref name="instructionIndex"/>.</summary>
    public ulong LddwValue(int instructionIndex) => _lddwValues[instructionIndex];

    /// <summary>
    /// The instruction index of the function at native address <paramref name="address"/> (the value a
    /// <c>lddw</c> with <see cref="LddwSource.Function"/> loads), or -1 when no such lddw names it.
    /// </summary>
    public int FunctionIndex(ulong address)
    {
        var offset = address - (ulong)Code;
        var stride = (ulong)sizeof(Instruction); // the managed struct's size, not the 8-byte encoding
        if (offset >= (ulong)_slots.Length * stride || offset % stride != 0)
        {
            return -1;
        }

        var index = (int)(offset / stride);
        return _isCallback[index] ? index : -1;
    }

    /// <summary>Address of the first (pinned) slot, for engines.</summary>
    internal Instruction* Code => (Instruction*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_slots));

    /// <summary>The slots as an array, for engines (do not modify).</summary>
    internal Instruction[] SlotArray => _slots;

    /// <summary>The resolved lddw values by slot index, for engines (do not modify).</summary>
    internal ulong[] LddwValues => _lddwValues;
}
