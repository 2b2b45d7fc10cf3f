using System.Buffers.Binary;
using System.Reflection;
using System.Reflection.Emit;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Jit.Internal;

/// <summary>
/// Emits one <see cref="FunctionLayout"/> as a static IL method
/// <c>ulong f(RunContext ctx, JitState* st, int depth, ulong r0, ..., ulong r9)</c> returning r0:
/// registers are the arguments, r10 a local; hot code in instruction order, fault and slow paths
/// after it. Memory accesses check a cached read region and a cached writable region in locals and
/// fall back to <see cref="JitRuntime"/>; stack accesses through r10 with a constant in-frame offset,
/// and accesses the caller marks proven safe, are emitted without checks.
/// </summary>
internal sealed partial class FunctionEmitter
{
    private const int FirstRegArg = 3;
    private const short ArgCtx = 0;
    private const short ArgState = 1;
    private const short ArgDepth = 2;

    private readonly ILGenerator _il;
    private readonly BpfProgram _program;
    private readonly Instruction[] _code;
    private readonly ulong[] _lddw;
    private readonly FunctionLayout _layout;
    private readonly CompilePlan _plan;
    private readonly IReadOnlyDictionary<int, MethodBuilder> _methods;
    private readonly ConstantPool _pool;
    private readonly HashSet<Assembly> _accessed;
    private readonly Label[] _labels;
    private readonly List<(Label Label, Action Emit)> _cold = [];
    private readonly LocalBuilder _executed;
    private readonly LocalBuilder _budget;
    private readonly LocalBuilder _fp;
    private readonly LocalBuilder _address;
    private readonly LocalBuilder _readStart;
    private readonly LocalBuilder _readLimit;
    private readonly LocalBuilder _writeStart;
    private readonly LocalBuilder _writeLimit;
    private readonly LocalBuilder[]? _registers;
    private readonly bool[]? _regionEntries;
    private readonly int _first;
    private readonly int _end;
    private readonly Dictionary<int, Label> _exits = [];
    private Label _returnZero;

    public FunctionEmitter(
        MethodBuilder method,
        BpfProgram program,
        FunctionLayout layout,
        CompilePlan plan,
        IReadOnlyDictionary<int, MethodBuilder> methods,
        ConstantPool pool,
        HashSet<Assembly> accessed,
        (int First, int End)? region = null,
        bool[]? regionEntries = null)
    {
        _regionEntries = regionEntries;
        _il = method.GetILGenerator(64 + (layout.Pcs.Length * 24));
        (_first, _end) = region ?? (0, layout.Pcs.Length);
        if (region is not null)
        {
            _registers = new LocalBuilder[10];
            for (var i = 0; i < 10; i++)
            {
                _registers[i] = _il.DeclareLocal(typeof(ulong));
            }
        }

        _program = program;
        _code = program.SlotArray;
        _lddw = program.LddwValues;
        _layout = layout;
        _plan = plan;
        _methods = methods;
        _pool = pool;
        _accessed = accessed;
        _labels = new Label[_code.Length];
        _executed = _il.DeclareLocal(typeof(long));
        _budget = _il.DeclareLocal(typeof(long));
        _fp = _il.DeclareLocal(typeof(ulong));
        _address = _il.DeclareLocal(typeof(ulong));
        _readStart = _il.DeclareLocal(typeof(ulong));
        _readLimit = _il.DeclareLocal(typeof(ulong));
        _writeStart = _il.DeclareLocal(typeof(ulong));
        _writeLimit = _il.DeclareLocal(typeof(ulong));
    }

    /// <summary>
    /// The parameter types of a region method, a part of a large function emitted as its own method
    /// (<c>int region(RunContext ctx, JitState* st, int depth, ulong* registers, int entryPc)</c>,
    /// returning the pc to continue at, or -1 when the function returned with r0 in registers[0]), so
    /// each method stays small enough for the .NET JIT to optimise fully.
    /// </summary>
    public static Type[] RegionParameterTypes { get; } =
    [
        typeof(RunContext), typeof(JitState).MakePointerType(), typeof(int), typeof(ulong).MakePointerType(), typeof(int),
    ];

    /// <summary>The parameter types of every emitted function.</summary>
    public static Type[] ParameterTypes { get; } =
    [
        typeof(RunContext), typeof(JitState).MakePointerType(), typeof(int),
        typeof(ulong), typeof(ulong), typeof(ulong), typeof(ulong), typeof(ulong),
        typeof(ulong), typeof(ulong), typeof(ulong), typeof(ulong), typeof(ulong),
    ];

    public void Emit()
    {
        var pcs = _layout.Pcs;
        for (var i = _first; i < _end; i++)
        {
            _labels[pcs[i]] = _il.DefineLabel();
        }

        _returnZero = _il.DefineLabel();
        EmitPrologue();
        if (_registers is null)
        {
            _il.Emit(OpCodes.Br, _labels[_layout.Entry]);
        }
        else
        {
            EmitRegionEntry();
        }

        for (var i = _first; i < _end; i++)
        {
            var pc = pcs[i];
            _il.MarkLabel(_labels[pc]);
            if (_layout.IsLeader[pc])
            {
                EmitBlockEntry(pc);
            }

            EmitInstruction(pc);
        }

        if (_end < pcs.Length && FallsThrough(_code[pcs[_end - 1]]))
        {
            _il.Emit(OpCodes.Br, Target(pcs[_end]));
        }

        // Cold code: slow paths and run endings (stubs may add further stubs).
        for (var i = 0; i < _cold.Count; i++)
        {
            _il.MarkLabel(_cold[i].Label);
            _cold[i].Emit();
        }

        _il.MarkLabel(_returnZero);
        if (_registers is null)
        {
            EmitI8(0);
        }
        else
        {
            _il.Emit(OpCodes.Ldc_I4_M1);
        }

        _il.Emit(OpCodes.Ret);
    }

    private static bool FallsThrough(Instruction ins) =>
        ins.Code is not (Opcode.ClassJmp | Opcode.Exit) and not (Opcode.ClassJmp | Opcode.Ja) and not (Opcode.ClassJmp32 | Opcode.Ja);

    /// <summary>Region methods: registers from the frame's register file, then a jump to the entry pc's label.</summary>
    private void EmitRegionEntry()
    {
        for (var reg = 0; reg < 10; reg++)
        {
            _il.Emit(OpCodes.Ldarg_3);
            if (reg != 0)
            {
                EmitI4(reg * 8);
                _il.Emit(OpCodes.Add);
            }

            _il.Emit(OpCodes.Ldind_I8);
            _il.Emit(OpCodes.Stloc, _registers![reg]);
        }

        var firstPc = _layout.Pcs[_first];
        var lastPc = _layout.Pcs[_end - 1];
        var table = new Label[lastPc - firstPc + 1];
        for (var pc = firstPc; pc <= lastPc; pc++)
        {
            table[pc - firstPc] = _layout.IsLeader[pc] && _regionEntries![pc] ? _labels[pc] : _returnZero;
        }

        _il.Emit(OpCodes.Ldarg_S, (byte)4);
        EmitI4(firstPc);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Switch, table);
        _il.Emit(OpCodes.Br, _returnZero);
    }

    /// <summary>The label of a jump target: in this method, or a stub that leaves the region for it.</summary>
    private Label Target(int pc)
    {
        if (_registers is null || (pc >= _layout.Pcs[_first] && pc <= _layout.Pcs[_end - 1]))
        {
            return _labels[pc];
        }

        if (!_exits.TryGetValue(pc, out var label))
        {
            label = Cold(() =>
            {
                StoreRegisterFile();
                _il.Emit(OpCodes.Ldarg_1);
                _il.Emit(OpCodes.Ldloc, _executed);
                _il.Emit(OpCodes.Stfld, StateField(nameof(JitState.Executed)));
                EmitI4(pc);
                _il.Emit(OpCodes.Ret);
            });
            _exits[pc] = label;
        }

        return label;
    }

    private void StoreRegisterFile()
    {
        for (var reg = 0; reg < 10; reg++)
        {
            _il.Emit(OpCodes.Ldarg_3);
            if (reg != 0)
            {
                EmitI4(reg * 8);
                _il.Emit(OpCodes.Add);
            }

            _il.Emit(OpCodes.Ldloc, _registers![reg]);
            _il.Emit(OpCodes.Stind_I8);
        }
    }

    /// <summary>Returns r0 from the function (a region method stores it in the register file and returns -1).</summary>
    private void EmitReturnR0()
    {
        if (_registers is null)
        {
            LoadReg(0);
            _il.Emit(OpCodes.Ret);
            return;
        }

        _il.Emit(OpCodes.Ldarg_3);
        LoadReg(0);
        _il.Emit(OpCodes.Stind_I8);
        _il.Emit(OpCodes.Ldc_I4_M1);
        _il.Emit(OpCodes.Ret);
    }

    private void EmitPrologue()
    {
        // r10 = stack top - depth * frame size
        LoadState(nameof(JitState.StackTop));
        _il.Emit(OpCodes.Ldarg_2);
        _il.Emit(OpCodes.Conv_I8);
        EmitI8((long)RunContext.StackFrameSize);
        _il.Emit(OpCodes.Mul);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Stloc, _fp);
        LoadState(nameof(JitState.Executed));
        _il.Emit(OpCodes.Stloc, _executed);
        LoadState(nameof(JitState.Budget));
        _il.Emit(OpCodes.Stloc, _budget);
        ReloadReadCache();
        ReloadWriteCache();
    }

    private void EmitBlockEntry(int pc)
    {
        if (_layout.IsLoopHeader[pc])
        {
            // The interpreter stops when the next instruction would exceed the budget.
            _il.Emit(OpCodes.Ldloc, _executed);
            _il.Emit(OpCodes.Ldloc, _budget);
            _il.Emit(OpCodes.Bge, Cold(() => EmitEnd(RunStatus.BudgetExhausted, pc, false)));
        }

        _il.Emit(OpCodes.Ldloc, _executed);
        EmitI8((long)_layout.BlockLength[pc]);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stloc, _executed);
    }

    private void EmitInstruction(int pc)
    {
        var ins = _code[pc];
        switch (Opcode.Class(ins.Code))
        {
            case Opcode.ClassAlu64:
                EmitAlu(ins, true);
                break;
            case Opcode.ClassAlu:
                EmitAlu(ins, false);
                break;
            case Opcode.ClassJmp:
            case Opcode.ClassJmp32:
                EmitJump(pc, ins);
                break;
            case Opcode.ClassLd:
                if (ins.Code == Opcode.Lddw)
                {
                    EmitI8((long)_lddw[pc]);
                    StoreReg(ins.Dst);
                }
                else
                {
                    EmitPacketLoad(pc, ins);
                }

                break;
            case Opcode.ClassLdx:
                EmitLoad(pc, ins);
                break;
            case Opcode.ClassSt:
                EmitStore(pc, ins, false);
                break;
            default:
                if (Opcode.Mode(ins.Code) == Opcode.ModeAtomic)
                {
                    EmitAtomic(pc, ins);
                }
                else
                {
                    EmitStore(pc, ins, true);
                }

                break;
        }
    }

    // ---- registers, state, exact counts, cold stubs ----

    private void LoadReg(int reg)
    {
        if (_registers is not null && reg < 10)
        {
            _il.Emit(OpCodes.Ldloc, _registers[reg]);
        }
        else if (reg == 10)
        {
            _il.Emit(OpCodes.Ldloc, _fp);
        }
        else
        {
            _il.Emit(OpCodes.Ldarg_S, (byte)(FirstRegArg + reg));
        }
    }

    private void StoreReg(int reg)
    {
        if (_registers is not null)
        {
            _il.Emit(OpCodes.Stloc, _registers[reg]);
        }
        else
        {
            _il.Emit(OpCodes.Starg_S, (byte)(FirstRegArg + reg));
        }
    }

    private static readonly Dictionary<string, FieldInfo> StateFields = typeof(JitState).GetFields().ToDictionary(f => f.Name);
    private static readonly Dictionary<string, MethodInfo> RuntimeMethods = typeof(JitRuntime).GetMethods().Where(m => m.IsStatic).ToDictionary(m => m.Name);
    private static readonly Dictionary<string, MethodInfo> OpsMethods = typeof(JitOps).GetMethods().Where(m => m.IsStatic).ToDictionary(m => m.Name);
    private static readonly MethodInfo FaultMethod = RuntimeMethods[nameof(JitRuntime.Fault)];

    private static FieldInfo StateField(string name) => StateFields[name];

    private void LoadState(string field)
    {
        _il.Emit(OpCodes.Ldarg_1);
        _il.Emit(OpCodes.Ldfld, StateField(field));
    }

    private void ReloadReadCache()
    {
        LoadState(nameof(JitState.ReadStart));
        _il.Emit(OpCodes.Stloc, _readStart);
        LoadState(nameof(JitState.ReadLimit));
        _il.Emit(OpCodes.Stloc, _readLimit);
    }

    private void ReloadWriteCache()
    {
        LoadState(nameof(JitState.WriteStart));
        _il.Emit(OpCodes.Stloc, _writeStart);
        LoadState(nameof(JitState.WriteLimit));
        _il.Emit(OpCodes.Stloc, _writeLimit);
    }

    /// <summary>Pushes the exact instruction count up to and including <paramref name="pc"/>.</summary>
    private void LoadExact(int pc)
    {
        _il.Emit(OpCodes.Ldloc, _executed);
        if (_layout.After[pc] != 0)
        {
            EmitI8((long)_layout.After[pc]);
            _il.Emit(OpCodes.Sub);
        }
    }

    private Label Cold(Action emit)
    {
        var label = _il.DefineLabel();
        _cold.Add((label, emit));
        return label;
    }

    /// <summary>Ends the run at <paramref name="pc"/> (address from the address local when <paramref name="withAddress"/>) and returns 0.</summary>
    private void EmitEnd(RunStatus status, int pc, bool withAddress, int size = 0, bool write = false)
    {
        _il.Emit(OpCodes.Ldarg_1);
        EmitI4(JitRuntime.Pack(pc, status, size, write));
        LoadExact(pc);
        if (withAddress)
        {
            _il.Emit(OpCodes.Ldloc, _address);
        }
        else
        {
            EmitI8(0);
        }

        _il.Emit(OpCodes.Call, FaultMethod);
        _il.Emit(OpCodes.Br, _returnZero);
    }

    private void EmitEndWithConstantAddress(RunStatus status, int pc, ulong address)
    {
        _il.Emit(OpCodes.Ldarg_1);
        EmitI4(JitRuntime.Pack(pc, status, 0, false));
        LoadExact(pc);
        EmitI8((long)address);
        _il.Emit(OpCodes.Call, FaultMethod);
        _il.Emit(OpCodes.Br, _returnZero);
    }

    /// <summary>Pushes a 64-bit constant in the shortest IL form.</summary>
    private void EmitI8(long value)
    {
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            EmitI4((int)value);
            _il.Emit(OpCodes.Conv_I8);
        }
        else
        {
            _il.Emit(OpCodes.Ldc_I8, value);
        }
    }

    /// <summary>Pushes a 32-bit constant in the shortest IL form.</summary>
    private void EmitI4(int value)
    {
        switch (value)
        {
            case -1: _il.Emit(OpCodes.Ldc_I4_M1); return;
            case 0: _il.Emit(OpCodes.Ldc_I4_0); return;
            case 1: _il.Emit(OpCodes.Ldc_I4_1); return;
            case 2: _il.Emit(OpCodes.Ldc_I4_2); return;
            case 3: _il.Emit(OpCodes.Ldc_I4_3); return;
            case 4: _il.Emit(OpCodes.Ldc_I4_4); return;
            case 5: _il.Emit(OpCodes.Ldc_I4_5); return;
            case 6: _il.Emit(OpCodes.Ldc_I4_6); return;
            case 7: _il.Emit(OpCodes.Ldc_I4_7); return;
            case 8: _il.Emit(OpCodes.Ldc_I4_8); return;
        }

        if (value is >= sbyte.MinValue and <= sbyte.MaxValue)
        {
            _il.Emit(OpCodes.Ldc_I4_S, (sbyte)value);
        }
        else
        {
            _il.Emit(OpCodes.Ldc_I4, value);
        }
    }

    private static MethodInfo Method(Type type, string name, params Type[] args) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance, args)
        ?? throw new InvalidOperationException($"{type.Name}.{name} not found");

    private static MethodInfo Getter(Type type, string name) =>
        type.GetProperty(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)!.GetMethod!;

    private static MethodInfo ReverseEndianness(Type type) => Method(typeof(BinaryPrimitives), nameof(BinaryPrimitives.ReverseEndianness), type);

    private static MethodInfo Ops(string name) => OpsMethods[name];

    private static MethodInfo Runtime(string name) => RuntimeMethods[name];

    private static MethodInfo HelperInvoke => typeof(HelperFunction).GetMethod("Invoke")!;
}
