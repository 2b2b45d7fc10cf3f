using System.Reflection;
using System.Reflection.Emit;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Jit.Internal;

/// <summary>Helper calls, <c>callx</c>, bpf-to-bpf calls and exit.</summary>
internal sealed partial class FunctionEmitter
{
    private void EmitCall(int pc, Instruction ins)
    {
        if (ins.Code == (Opcode.ClassJmp | Opcode.SourceX | Opcode.Call))
        {
            EmitCallIndirect(pc, ins);
        }
        else if (ins.Src == (byte)CallKind.Local)
        {
            EmitLocalCall(pc, pc + 1 + ins.Imm);
        }
        else
        {
            EmitHelperCall(pc, ins.Imm);
        }
    }

    private void EmitBudgetCheck(int pc)
    {
        LoadExact(pc);
        _il.Emit(OpCodes.Ldloc, _budget);
        _il.Emit(OpCodes.Bgt, Cold(() => EmitEnd(RunStatus.BudgetExhausted, pc, false)));
    }

    private void EmitHelperCall(int pc, int id)
    {
        if (!_program.Helpers.TryGet(id, out var helper))
        {
            EmitEndWithConstantAddress(RunStatus.UnknownHelper, pc, (ulong)(uint)id);
            return;
        }

        // The helper's side effects must not happen after the budget ran out.
        EmitBudgetCheck(pc);
        if (TryEmitMapLookup(pc, id, helper) || TryEmitMapUpdate(pc, id, helper))
        {
            return;
        }

        EmitGenericHelperCall(pc, helper);
    }

    /// <summary>The helper through <see cref="RunContext.EnterHelper"/>, a direct (or delegate) call and the after-helper checks.</summary>
    private void EmitGenericHelperCall(int pc, HelperFunction helper)
    {
        _il.Emit(OpCodes.Ldarg_0);
        _pool.Emit(_il, _program);
        _il.Emit(OpCodes.Ldarg_2);
        EmitI4(pc);
        LoadExact(pc);
        _il.Emit(OpCodes.Call, Method(typeof(RunContext), nameof(RunContext.EnterHelper), typeof(BpfProgram), typeof(int), typeof(int), typeof(long)));
        EmitInvokeHelper(helper);
        StoreReg(0);
        EmitAfterHelper(pc);
    }

    /// <summary>Calls the helper directly when its delegate is a plain static or instance method, else through the delegate.</summary>
    private void EmitInvokeHelper(HelperFunction helper)
    {
        var method = helper.Method;
        var target = helper.Target;
        var direct = helper.HasSingleTarget && method is not DynamicMethod && method.DeclaringType is { } declaring &&
            !declaring.ContainsGenericParameters && !method.ContainsGenericParameters &&
            (method.IsStatic ? target is null : target is not null && !declaring.IsValueType && (!method.IsVirtual || method.IsFinal || declaring.IsSealed));
        if (!direct)
        {
            _pool.Emit(_il, helper);
            EmitHelperArguments();
            _il.Emit(OpCodes.Callvirt, HelperInvoke);
            return;
        }

        _accessed.Add(method.Module.Assembly);
        if (!method.IsStatic)
        {
            _accessed.Add(method.DeclaringType!.Assembly);
            _pool.Emit(_il, target!);
        }

        EmitHelperArguments();
        _il.Emit(OpCodes.Call, (MethodInfo)method);
    }

    private void EmitHelperArguments()
    {
        _il.Emit(OpCodes.Ldarg_0);
        for (var reg = 1; reg <= 5; reg++)
        {
            LoadReg(reg);
        }
    }

    /// <summary>
    /// After a helper: callbacks it ran counted instructions; a pending abort or callback fault ends
    /// the run, a pending tail call continues in the target program and returns what it returns.
    /// </summary>
    private void EmitAfterHelper(int pc)
    {
        // A helper that moved or shrank regions (bpf_xdp_adjust_head/tail) bumped the context's region
        // generation: forget the cached regions then (only then: lookups keep them).
        var regionsKept = _il.DefineLabel();
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Call, Getter(typeof(RunContext), nameof(RunContext.RegionGeneration)));
        LoadState(nameof(JitState.Generation));
        _il.Emit(OpCodes.Bne_Un, Cold(() =>
        {
            _il.Emit(OpCodes.Ldarg_1);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Call, Getter(typeof(RunContext), nameof(RunContext.RegionGeneration)));
            _il.Emit(OpCodes.Stfld, StateField(nameof(JitState.Generation)));
            foreach (var field in new[] { nameof(JitState.ReadLimit), nameof(JitState.WriteLimit) })
            {
                _il.Emit(OpCodes.Ldarg_1);
                EmitI8(0);
                _il.Emit(OpCodes.Stfld, StateField(field));
            }

            EmitI8(0);
            _il.Emit(OpCodes.Stloc, _readLimit);
            EmitI8(0);
            _il.Emit(OpCodes.Stloc, _writeLimit);
            _il.Emit(OpCodes.Br, regionsKept);
        }));
        _il.MarkLabel(regionsKept);
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Call, Getter(typeof(RunContext), nameof(RunContext.Executed)));
        if (_layout.After[pc] != 0)
        {
            EmitI8((long)_layout.After[pc]);
            _il.Emit(OpCodes.Add);
        }

        _il.Emit(OpCodes.Stloc, _executed);
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Call, Getter(typeof(RunContext), nameof(RunContext.Pending)));
        _il.Emit(OpCodes.Brtrue, Cold(() =>
        {
            var end = _il.DefineLabel();
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Call, Getter(typeof(RunContext), nameof(RunContext.IsTailCallPending)));
            _il.Emit(OpCodes.Brfalse, end);
            _il.Emit(OpCodes.Ldarg_1);
            LoadExact(pc);
            _il.Emit(OpCodes.Stfld, StateField(nameof(JitState.Executed)));
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldarg_1);
            _il.Emit(OpCodes.Ldarg_2);
            for (var reg = 0; reg <= 9; reg++)
            {
                LoadReg(reg);
            }

            _il.Emit(OpCodes.Call, Runtime(nameof(JitRuntime.TailCall)));
            StoreReg(0);
            EmitReturnR0();
            _il.MarkLabel(end);
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldarg_1);
            EmitI4(pc);
            LoadExact(pc);
            _il.Emit(OpCodes.Call, Runtime(nameof(JitRuntime.EndPending)));
            _il.Emit(OpCodes.Br, _returnZero);
        }));
    }

    private void EmitCallIndirect(int pc, Instruction ins)
    {
        _pool.Emit(_il, _program.Helpers);
        _il.Emit(OpCodes.Call, Getter(typeof(HelperTable), nameof(HelperTable.Functions)));
        _pool.Emit(_il, _program);
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldarg_1);
        _il.Emit(OpCodes.Ldarg_2);
        EmitI4(pc);
        LoadExact(pc);
        LoadReg(ins.Dst);
        for (var reg = 1; reg <= 5; reg++)
        {
            LoadReg(reg);
        }

        _il.Emit(OpCodes.Call, Runtime(nameof(JitRuntime.CallIndirect)));
        StoreReg(0);
        LoadState(nameof(JitState.Done));
        _il.Emit(OpCodes.Brtrue, _returnZero);
        EmitAfterHelper(pc);
    }

    private void EmitLocalCall(int pc, int target)
    {
        _il.Emit(OpCodes.Ldarg_2);
        EmitI4(RunContext.MaxFrames - 1);
        _il.Emit(OpCodes.Bge, Cold(() => EmitEnd(RunStatus.CallDepthExceeded, pc, false)));
        _il.Emit(OpCodes.Ldarg_1);
        LoadExact(pc);
        _il.Emit(OpCodes.Stfld, StateField(nameof(JitState.Executed)));
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldarg_1);
        _il.Emit(OpCodes.Ldarg_2);
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.Add);
        for (var reg = 0; reg <= 9; reg++)
        {
            LoadReg(reg);
        }

        _il.Emit(OpCodes.Call, _methods[target]);
        StoreReg(0);
        LoadState(nameof(JitState.Done));
        _il.Emit(OpCodes.Brtrue, _returnZero);

        // The interpreter shares r1-r5 with the callee; r6-r9 are restored (here: never changed).
        string[] returned = [nameof(JitState.R1), nameof(JitState.R2), nameof(JitState.R3), nameof(JitState.R4), nameof(JitState.R5)];
        for (var reg = 1; reg <= 5; reg++)
        {
            LoadState(returned[reg - 1]);
            StoreReg(reg);
        }

        // The callee's helpers may have changed regions; its misses left the current ones in the state.
        ReloadReadCache();
        ReloadWriteCache();
        LoadState(nameof(JitState.Executed));
        if (_layout.After[pc] != 0)
        {
            EmitI8((long)_layout.After[pc]);
            _il.Emit(OpCodes.Add);
        }

        _il.Emit(OpCodes.Stloc, _executed);
    }

    private void EmitExit(int pc)
    {
        if (_layout.Entry == 0)
        {
            // Entry 0 is the main function when called at depth 0 (a run, or a tail call from the main function).
            var callee = _il.DefineLabel();
            _il.Emit(OpCodes.Ldarg_2);
            _il.Emit(OpCodes.Brtrue, callee);
            _il.Emit(OpCodes.Ldarg_1);
            EmitI4(pc);
            LoadExact(pc);
            LoadReg(0);
            _il.Emit(OpCodes.Call, Runtime(nameof(JitRuntime.Exit)));
            EmitReturnR0();
            _il.MarkLabel(callee);
        }

        string[] returned = [nameof(JitState.R1), nameof(JitState.R2), nameof(JitState.R3), nameof(JitState.R4), nameof(JitState.R5)];
        for (var reg = 1; reg <= 5; reg++)
        {
            _il.Emit(OpCodes.Ldarg_1);
            LoadReg(reg);
            _il.Emit(OpCodes.Stfld, StateField(returned[reg - 1]));
        }

        _il.Emit(OpCodes.Ldarg_1);
        LoadExact(pc);
        _il.Emit(OpCodes.Stfld, StateField(nameof(JitState.Executed)));
        EmitReturnR0();
    }
}
