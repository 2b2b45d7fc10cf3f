using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Verification.Internal;

internal sealed partial class Checker
{
    private void LocalCall(Instruction insn)
    {
        var pc = _cur.Pc;
        var target = pc + 1 + insn.Imm;
        for (var i = 1; i <= 5; i++)
        {
            MarkRegRead(_cur.CurFrame, i);
        }

        PushFrame(target, pc, callbackOf: -1);
        var caller = _cur.Frames[_cur.CurFrame - 1];
        var callee = Frame;
        for (var i = 1; i <= 5; i++)
        {
            callee.Regs[i] = caller.Regs[i];
        }
    }

    private void PushFrame(int target, int callSite, int callbackOf)
    {
        if (_cur.CurFrame + 1 >= Limits.MaxCallFrames)
        {
            throw Fail($"the call stack of {_cur.CurFrame + 2} frames is too deep: at most {Limits.MaxCallFrames} functions may be active at once (no recursion)");
        }

        var frameNo = _cur.CurFrame + 1;
        var callee = new FuncState { FrameNo = frameNo, CallSite = callSite, Subprog = _shape.SubprogOf[target], CallbackOf = callbackOf };
        callee.Regs[10] = RegState.Pointer(RegType.Stack, 0, frameNo);
        _cur.RegWritten[frameNo] = ushort.MaxValue; // a new frame: nothing in it comes from before the call
        _cur.SlotWritten[frameNo] = ulong.MaxValue;
        _cur.Frames[frameNo] = callee;
        _cur.CurFrame = frameNo;
        _cur.Pc = target;
    }

    private bool Exit()
    {
        CheckRead(0);
        var r0 = Reg(0);
        if (_cur.CurFrame > 0 && Frame.CallbackOf >= 0)
        {
            MarkPrecise(1); // the callback's return value is range-checked
        }

        if (_cur.CurFrame > 0)
        {
            var callee = Frame;
            if (r0.Type == RegType.Stack && r0.Aux == callee.FrameNo)
            {
                throw Fail("cannot return stack pointer to the caller: the callee's stack is gone after it returns");
            }

            _cur.Frames[_cur.CurFrame] = null!;
            _cur.CurFrame--;
            var caller = Frame;
            if (callee.CallbackOf >= 0)
            {
                if (r0.Type != RegType.Scalar || r0.SMin < 0 || r0.SMax > 1)
                {
                    throw Fail($"At callback return the register R0 has {Describe(r0)} should have been in [0, 1]: return 0 to continue or 1 to stop");
                }

                ReturnFromCallback(callee);
                caller.Regs[0] = RegState.UnknownScalar();
                _cur.Pc = callee.CallbackOf + 1;
            }
            else
            {
                caller.Regs[0] = r0;
                _cur.Pc = callee.CallSite + 1;
            }

            for (var i = 1; i <= 5; i++)
            {
                caller.Regs[i] = RegState.NotInit;
            }

            _cur.RegWritten[_cur.CurFrame] |= 0b11_1111;
            return false;
        }

        if (r0.IsPointer && _options.Strict)
        {
            throw Fail("R0 leaks addr as return value: return a number, not a pointer (unprivileged)");
        }

        if (_cur.Refs.Count > 0)
        {
            var (id, at) = _cur.Refs[0];
            throw Fail($"Unreleased reference id={id} alloc_insn={at}: memory reserved at PC {at} must be submitted or discarded on every path");
        }

        return true;
    }

    private void HelperCall(Instruction insn)
    {
        var pc = _cur.Pc;
        var id = insn.Imm;
        var proto = HelperPrototypes.Find(id)
            ?? throw Fail($"unknown func {HelperIds.Describe(id)}: the verifier has no prototype for this helper, so calls to it cannot be checked");

        MapDefinition? map = null;
        var mapIndex = -1;
        var memArg = -1;
        var allocSize = 0;
        var callbackTarget = -1;
        var releaseId = 0;
        var constKeyInRange = false;
        for (var i = 0; i < proto.Args.Length; i++)
        {
            var regno = i + 1;
            var arg = proto.Args[i];
            if (arg == ArgType.DontCare)
            {
                continue;
            }

            if (arg != ArgType.Anything)
            {
                // Sizes, NULL constants and the like decide what the helper may touch.
                MarkPrecise(1 << regno);
            }

            CheckRead(regno);

            var reg = Reg(regno);
            switch (arg)
            {
                case ArgType.Anything:
                    if (reg.IsPointer && _options.Strict)
                    {
                        throw Fail($"R{regno} leaks addr into helper function {proto.Name}: pass a number (unprivileged)");
                    }

                    break;
                case ArgType.ConstMapPtr:
                    if (reg.Type != RegType.ConstPtrToMap)
                    {
                        throw ArgMismatch(regno, reg, "map_ptr", proto, "pass a map (&my_map)");
                    }

                    mapIndex = reg.Aux;
                    map = _maps[mapIndex];
                    CheckMapCompatible(proto, map);
                    break;
                case ArgType.MapKey:
                    CheckHelperMemory(regno, RequireMapArg(map, proto), (int)map!.KeySize, (int)map.KeySize, write: false, proto, "key");
                    constKeyInRange = proto.Ret == RetType.MapValueOrNull && map.Type is MapType.Array or MapType.PercpuArray &&
                        TryConstKey(reg, (int)map.KeySize, out var constKey) && constKey < map.MaxEntries;
                    break;
                case ArgType.MapValue:
                    CheckHelperMemory(regno, RequireMapArg(map, proto), (int)map!.ValueSize, (int)map.ValueSize, write: false, proto, "value");
                    break;
                case ArgType.UninitMapValue:
                    CheckHelperMemory(regno, RequireMapArg(map, proto), (int)map!.ValueSize, (int)map.ValueSize, write: true, proto, "value");
                    break;
                case ArgType.Mem:
                case ArgType.MemOrNull:
                case ArgType.UninitMem:
                    memArg = regno;
                    if (arg == ArgType.MemOrNull && reg.Type == RegType.Scalar && reg.IsConst && reg.Var.Value == 0)
                    {
                        memArg = -2; // NULL: the size must be 0
                    }
                    else if (!IsMemoryPointer(reg.Type))
                    {
                        throw ArgMismatch(regno, reg, "fp, pkt, pkt_meta, map_value, mem", proto, "pass a pointer to stack, packet or map value memory");
                    }

                    break;
                case ArgType.ConstSize:
                case ArgType.ConstSizeOrZero:
                    CheckSizeArg(regno, reg, memArg, proto, zeroAllowed: arg == ArgType.ConstSizeOrZero, proto.Args[i - 1] == ArgType.UninitMem);
                    break;
                case ArgType.ConstAllocSize:
                    if (!reg.IsConst)
                    {
                        throw Fail($"R{regno} is not a known constant: the size passed to {proto.Name} must be a compile-time constant");
                    }

                    allocSize = (int)Math.Min(reg.Var.Value, int.MaxValue);
                    break;
                case ArgType.Ctx:
                    if (reg.Type != RegType.Ctx || reg.Off != 0 || !reg.Var.IsConst)
                    {
                        throw ArgMismatch(regno, reg, "ctx", proto, "pass the program's context pointer unchanged");
                    }

                    break;
                case ArgType.AllocMem:
                    if (reg.Type != RegType.Mem || reg.RefObjId == 0)
                    {
                        throw ArgMismatch(regno, reg, "ringbuf_mem", proto, "pass the non-NULL pointer bpf_ringbuf_reserve returned");
                    }

                    if (reg.Off != 0 || !reg.Var.IsConst || reg.Var.Value != 0)
                    {
                        throw Fail($"R{regno} must have zero offset when passed to release func {proto.Name}: pass the pointer bpf_ringbuf_reserve returned, not a pointer into it");
                    }

                    releaseId = reg.RefObjId;
                    break;
                case ArgType.Func:
                    if (reg.Type != RegType.Func)
                    {
                        throw ArgMismatch(regno, reg, "func", proto, "pass a static function as the callback");
                    }

                    callbackTarget = reg.Aux;
                    break;
                case ArgType.StackOrNull:
                    if (reg.Type != RegType.Stack && !(reg.Type == RegType.Scalar && reg.IsConst && reg.Var.Value == 0))
                    {
                        throw ArgMismatch(regno, reg, "fp or NULL", proto, "pass a pointer to a stack variable or NULL");
                    }

                    break;
            }
        }

        if (releaseId != 0)
        {
            _cur.Refs.RemoveAll(r => r.Id == releaseId);
            InvalidateRef(releaseId);
        }

        if (callbackTarget >= 0)
        {
            CallCallback(proto, callbackTarget, mapIndex, map);
            return;
        }

        ClobberCallerSaved();
        _cur.RegWritten[_cur.CurFrame] |= 0b11_1111;
        _cur.Pc = pc + 1;
        if (proto.ChangesPacketData)
        {
            InvalidatePacketPointers();
        }

        ref var r0 = ref Reg(0);
        switch (proto.Ret)
        {
            case RetType.Integer:
                r0 = RegState.UnknownScalar();
                break;
            case RetType.Void:
                r0 = RegState.NotInit;
                break;
            case RetType.MapValueOrNull:
                if (constKeyInRange)
                {
                    // An array lookup with a constant index below max_entries cannot fail.
                    r0 = RegState.Pointer(RegType.MapValue, 0, mapIndex);
                    break;
                }

                r0 = RegState.Pointer(RegType.MapValueOrNull, 0, mapIndex);
                r0.Id = NewId();
                break;
            case RetType.AllocMemOrNull:
                r0 = RegState.Pointer(RegType.MemOrNull, 0, allocSize);
                r0.Id = NewId();
                r0.RefObjId = r0.Id;
                _cur.Refs.Add((r0.Id, pc));
                break;
        }
    }

    /// <summary>The key a stack pointer points at when it is a known number (zero bytes or a spilled constant of the key's width).</summary>
    private bool TryConstKey(in RegState reg, int keySize, out ulong key)
    {
        key = 0;
        if (reg.Type != RegType.Stack || !reg.Var.IsConst || keySize is not (1 or 2 or 4 or 8) || reg.Aux > _cur.CurFrame)
        {
            return false;
        }

        var at = reg.Off + (long)reg.Var.Value;
        var spi = (int)((-at - 1) / 8);
        var first = (int)(at + (8 * (spi + 1)));
        if (at >= 0 || first + keySize > 8)
        {
            return false;
        }

        var slot = _cur.Frames[reg.Aux].SlotAt(spi);
        var zeros = true;
        for (var i = first; i < first + keySize; i++)
        {
            zeros &= slot.Kinds[i] == SlotKind.Zero;
        }

        if (zeros)
        {
            return true;
        }

        if (first == 0 && slot.Kinds[0] == SlotKind.Spill && slot.Spilled.IsConst && (keySize == 8 ? slot.IsSpill : slot.Kinds[keySize] != SlotKind.Spill && slot.Kinds[keySize - 1] == SlotKind.Spill))
        {
            if (reg.Aux == _cur.CurFrame)
            {
                MarkPrecise(0, 1UL << spi);
            }
            else
            {
                GiveUp(_cur.Parent);
            }

            key = slot.Spilled.Var.Value;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Rebuilds the calling frames' stacks when a callback returns, so they describe any number of runs
    /// (zero included): spilled pointers kept at the call must still be there (else the program is
    /// rejected: a later run would see another value than the one verified); bytes uninitialised at the
    /// call stay uninitialised (zero runs); every other byte is unknown.
    /// </summary>
    private void ReturnFromCallback(FuncState callee)
    {
        var entry = callee.CallbackEntryStacks!;
        for (var f = 0; f < entry.Length && f <= _cur.CurFrame; f++)
        {
            var frame = _cur.Frames[f];
            var before = entry[f];
            if (frame.Stack.Length < before.Length)
            {
                frame.Grow(before.Length - 1);
            }

            var stack = frame.Stack;
            for (var s = 0; s < stack.Length; s++)
            {
                var was = s < before.Length ? before[s] : default;
                if (was.IsSpill && was.Spilled.IsPointer)
                {
                    MarkSlotRead(f, s);
                    if (!stack[s].IsSpill || !StateComparer.Covers(was.Spilled, stack[s].Spilled))
                    {
                        throw Fail($"the callback changes the pointer the caller spilled at fp{-8 * (s + 1)} (frame {f}): a callback run any number of times may not replace pointers on its caller's stack; keep the pointer elsewhere or copy it before the call");
                    }

                    stack[s] = was;
                    continue;
                }

                for (var i = 0; i < 8; i++)
                {
                    stack[s].Kinds[i] = was.Kinds[i] == SlotKind.Invalid ? SlotKind.Invalid : SlotKind.Misc;
                }

                stack[s].Spilled = default;
            }
        }
    }

    private void ClobberCallerSaved()
    {
        for (var i = 0; i <= 5; i++)
        {
            Reg(i) = RegState.NotInit;
        }
    }

    private void CallCallback(HelperPrototype proto, int target, int mapIndex, MapDefinition? map)
    {
        // The callback runs as a bpf-to-bpf call from this instruction; when it returns, r0 is the helper's result.
        // It may run any number of times (zero included), each run seeing what the previous one stored
        // through its context pointer. Spilled pointers of the calling frames are kept (the callback must
        // leave them as they were: checked at its exit); every other written stack byte is made unknown
        // first, so one verification covers every run. At the exit the caller's stacks are rebuilt
        // (ReturnFromCallback) so they also cover zero runs.
        var pc = _cur.Pc;
        var caller = Frame;
        var ctxArg = caller.Regs[3];
        var entry = new StackSlot[_cur.CurFrame + 1][];
        for (var f = 0; f <= _cur.CurFrame; f++)
        {
            entry[f] = (StackSlot[])_cur.Frames[f].Stack.Clone();
        }

        ForgetStacks();
        PushFrame(target, pc, callbackOf: pc);
        var callee = Frame;
        callee.CallbackEntryStacks = entry;
        if (proto.Name == "bpf_loop")
        {
            callee.Regs[1] = RegState.UnknownOfSize(4);
            callee.Regs[2] = ctxArg;
        }
        else
        {
            callee.Regs[1] = RegState.Pointer(RegType.ConstPtrToMap, 0, mapIndex);
            callee.Regs[2] = RegState.Pointer(RegType.Mem, 0, (int)map!.KeySize);
            callee.Regs[3] = RegState.Pointer(RegType.MapValue, 0, mapIndex);
            callee.Regs[4] = ctxArg;
        }

        for (var i = 0; i <= 5; i++)
        {
            caller.Regs[i] = RegState.NotInit;
        }
    }

    /// <summary>Turns every written stack byte of every frame into an unknown byte, except spilled pointers.</summary>
    private void ForgetStacks()
    {
        for (var f = 0; f <= _cur.CurFrame; f++)
        {
            var stack = _cur.Frames[f].Stack;
            for (var s = 0; s < stack.Length; s++)
            {
                if (stack[s].IsSpill && stack[s].Spilled.IsPointer)
                {
                    continue;
                }

                for (var i = 0; i < 8; i++)
                {
                    if (stack[s].Kinds[i] != SlotKind.Invalid)
                    {
                        stack[s].Kinds[i] = SlotKind.Misc;
                    }
                }

                stack[s].Spilled = default;
            }
        }
    }

    private void InvalidateRef(int refId)
    {
        for (var f = 0; f <= _cur.CurFrame; f++)
        {
            var fs = _cur.Frames[f];
            for (var i = 0; i < FuncState.Registers; i++)
            {
                if (fs.Regs[i].RefObjId == refId)
                {
                    fs.Regs[i] = _options.Strict ? RegState.NotInit : RegState.UnknownScalar();
                }
            }

            for (var s = 0; s < fs.Stack.Length; s++)
            {
                if (fs.Stack[s].IsSpill && fs.Stack[s].Spilled.RefObjId == refId)
                {
                    fs.Stack[s].Spilled = RegState.UnknownScalar();
                }
            }
        }
    }

    private void InvalidatePacketPointers()
    {
        for (var f = 0; f <= _cur.CurFrame; f++)
        {
            var fs = _cur.Frames[f];
            for (var i = 0; i < FuncState.Registers; i++)
            {
                if (fs.Regs[i].Type is RegType.Packet or RegType.PacketEnd or RegType.PacketMeta)
                {
                    fs.Regs[i] = RegState.UnknownScalar();
                }
            }

            for (var s = 0; s < fs.Stack.Length; s++)
            {
                if (fs.Stack[s].IsSpill && fs.Stack[s].Spilled.Type is RegType.Packet or RegType.PacketEnd or RegType.PacketMeta)
                {
                    fs.Stack[s].Spilled = RegState.UnknownScalar();
                }
            }
        }
    }

    private static bool IsMemoryPointer(RegType t) => t is RegType.Stack or RegType.Packet or RegType.PacketMeta or RegType.MapValue or RegType.Mem;

    private int RequireMapArg(MapDefinition? map, HelperPrototype proto) =>
        map is null ? throw Fail($"{proto.Name} needs a map in R1 before its key or value argument") : 0;

    private void CheckMapCompatible(HelperPrototype proto, MapDefinition map)
    {
        var ok = proto.MapTypes is { } allowed ? Array.IndexOf(allowed, map.Type) >= 0 : Array.IndexOf(HelperPrototypes.NoElementAccess, map.Type) < 0;
        if (!ok)
        {
            throw Fail($"cannot pass map_type {(uint)map.Type} into func {proto.Name}: map '{map.Name}' is a {map.Type} map, which {proto.Name} does not work on");
        }
    }

    private VerificationException ArgMismatch(int regno, in RegState reg, string expected, HelperPrototype proto, string hint) =>
        Fail($"R{regno} type={StateFormatter.TypeName(reg.Type)} expected={expected}: argument {regno} of {proto.Name} has the wrong type; {hint}");

    private void CheckSizeArg(int regno, in RegState size, int memArg, HelperPrototype proto, bool zeroAllowed, bool write)
    {
        if (size.Type != RegType.Scalar)
        {
            throw Fail($"R{regno} type={StateFormatter.TypeName(size.Type)} expected=scalar: the size argument of {proto.Name} must be a number");
        }

        if (size.SMin < 0)
        {
            throw Fail($"R{regno} min value is negative, either use unsigned or 'var &= const': the size passed to {proto.Name} may be negative");
        }

        if (size.UMax == 0 && !zeroAllowed)
        {
            throw Fail($"invalid zero-sized read: the size passed to {proto.Name} in R{regno} is 0");
        }

        if (size.UMax >= (ulong)Limits.MaxVarOff)
        {
            throw Fail($"R{regno} unbounded memory access, use 'var &= const' or 'if (var < const)': the size passed to {proto.Name} has no upper bound");
        }

        if (memArg == -2)
        {
            if (size.UMax != 0)
            {
                throw Fail($"R{regno - 1} type=scalar expected=fp: a NULL memory argument of {proto.Name} needs size 0");
            }

            return;
        }

        if (memArg > 0)
        {
            CheckHelperMemory(memArg, 0, (int)size.UMin, (int)size.UMax, write, proto, "memory");
        }
    }

    /// <summary>Checks that [ptr, ptr + maxSize) is accessible (initialised when read under strict rules); marks written stack as unknown.</summary>
    private void CheckHelperMemory(int regno, int unused, int minSize, int maxSize, bool write, HelperPrototype proto, string what)
    {
        _ = unused;
        _ = minSize;
        var reg = Reg(regno);
        switch (reg.Type)
        {
            case RegType.Stack:
                {
                    RequireLiveFrame(regno, reg);
                    if (!reg.Var.IsConst)
                    {
                        throw Fail($"R{regno} variable stack pointer passed to {proto.Name}: use a constant offset from r10");
                    }

                    var at = reg.Off + (long)reg.Var.Value;
                    if (at < -Limits.MaxStack || at + maxSize > 0 || (maxSize == 0 && at >= 0))
                    {
                        throw Fail($"invalid indirect access to stack R{regno} off={at} size={maxSize}: the {what} passed to {proto.Name} does not fit in the frame");
                    }

                    if (maxSize == 0)
                    {
                        return;
                    }

                    var frame = _cur.Frames[reg.Aux];
                    NoteDepth(reg.Aux, (int)-at);
                    for (var b = (int)at; b < at + maxSize; b++)
                    {
                        var spi = (-b - 1) / 8;
                        var idx = b + (8 * (spi + 1));
                        var slot = frame.SlotAt(spi);
                        if (write)
                        {
                            if (slot.Kinds[idx] == SlotKind.Spill && slot.Spilled.IsPointer && _options.Strict)
                            {
                                throw Fail($"attempt to corrupt spilled pointer on stack by {proto.Name} (unprivileged)");
                            }

                            continue;
                        }

                        MarkSlotRead(reg.Aux, spi);
                        if (_options.Strict)
                        {
                            if (slot.Kinds[idx] == SlotKind.Invalid)
                            {
                                throw Fail($"invalid indirect read from stack R{regno} off {at}+{b - at} size {maxSize}: the {what} passed to {proto.Name} is not fully initialised; set every byte (e.g. = {{}}) first");
                            }

                            if (slot.Kinds[idx] == SlotKind.Spill && slot.Spilled.IsPointer)
                            {
                                throw Fail($"R{regno} leaks addr into helper function {proto.Name}: the {what} holds a pointer (unprivileged)");
                            }
                        }
                    }

                    if (write)
                    {
                        for (var b = (int)at; b < at + maxSize; b++)
                        {
                            var spi = (-b - 1) / 8;
                            var idx = b + (8 * (spi + 1));
                            frame.Grow(spi);
                            ref var slot = ref frame.Stack[spi];
                            if (slot.Kinds[idx] == SlotKind.Spill)
                            {
                                for (var k = 0; k < 8; k++)
                                {
                                    if (slot.Kinds[k] == SlotKind.Spill)
                                    {
                                        slot.Kinds[k] = SlotKind.Misc;
                                    }
                                }

                                slot.Spilled = default;
                            }

                            slot.Kinds[idx] = SlotKind.Misc;
                        }
                    }

                    return;
                }

            case RegType.Packet:
            case RegType.PacketMeta:
                {
                    if (!proto.PacketAccess)
                    {
                        throw Fail($"helper access to the packet is not allowed: {proto.Name} cannot take a packet pointer in R{regno}; copy the bytes to the stack first");
                    }

                    if (write && !_ctx.PacketWritable)
                    {
                        throw Fail($"helper {proto.Name} cannot write into the packet for this program type");
                    }

                    PacketAccess(regno, reg, 0, maxSize, write: false, default);
                    return;
                }

            case RegType.MapValue:
                {
                    var map = _maps[reg.Aux];
                    if (write && (map.Flags & MapReadOnlyForProgram) != 0)
                    {
                        throw Fail($"write into map forbidden: {proto.Name} would write into read-only map '{map.Name}'");
                    }

                    RegionAccess(regno, reg, 0, maxSize, (int)map.ValueSize, "map value", $"map '{map.Name}'");
                    return;
                }

            case RegType.Mem:
                RegionAccess(regno, reg, 0, maxSize, reg.Aux, "mem", "reserved memory");
                return;
            case RegType.MapValueOrNull:
            case RegType.MemOrNull:
                throw Fail($"R{regno} type={StateFormatter.TypeName(reg.Type)} expected=fp, pkt, map_value: R{regno} may be NULL; check the lookup result before passing it to {proto.Name}");
            default:
                throw Fail($"R{regno} type={StateFormatter.TypeName(reg.Type)} expected=fp, pkt, pkt_meta, map_value: the {what} argument of {proto.Name} must point to stack, packet or map value memory");
        }
    }
}
