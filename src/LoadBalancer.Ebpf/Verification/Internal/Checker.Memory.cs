using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Verification.Internal;

internal sealed partial class Checker
{
    private const uint MapReadOnlyForProgram = 0x80; // BPF_F_RDONLY_PROG

    private void Load(Instruction insn)
    {
        CheckRead(insn.Src);
        var size = Opcode.SizeInBytes(Opcode.Size(insn.Code));
        var value = MemAccess(insn.Src, insn.Offset, size, write: false, value: default);
        if (Opcode.Mode(insn.Code) == Opcode.ModeMemSx && value.Type == RegType.Scalar)
        {
            value = SignExtendLoad(value, size);
        }

        Reg(insn.Dst) = value;
    }

    private static RegState SignExtendLoad(RegState value, int size)
    {
        if (value.IsConst)
        {
            var v = value.Var.Value;
            return RegState.ConstScalar(size switch { 1 => (ulong)(long)(sbyte)v, 2 => (ulong)(long)(short)v, _ => (ulong)(long)(int)v });
        }

        var half = 1L << ((size * 8) - 1);
        if (value.UMax < (ulong)half)
        {
            return value;
        }

        var r = RegState.UnknownScalar();
        r.SMin = -half;
        r.SMax = half - 1;
        r.Sync();
        return r;
    }

    private void Store(Instruction insn)
    {
        CheckRead(insn.Dst);
        var size = Opcode.SizeInBytes(Opcode.Size(insn.Code));
        RegState value;
        if (insn.Class == Opcode.ClassStx)
        {
            CheckRead(insn.Src);
            value = Reg(insn.Src);
        }
        else
        {
            value = RegState.ConstScalar((ulong)(long)insn.Imm);
        }

        MemAccess(insn.Dst, insn.Offset, size, write: true, value, isImmediate: insn.Class == Opcode.ClassSt);
    }

    private void Atomic(Instruction insn)
    {
        CheckRead(insn.Dst);
        CheckRead(insn.Src);
        var size = Opcode.SizeInBytes(Opcode.Size(insn.Code));
        var baseType = Reg(insn.Dst).Type;
        if (baseType is not (RegType.Stack or RegType.MapValue or RegType.Mem))
        {
            throw Fail($"BPF_ATOMIC stores into R{insn.Dst} {StateFormatter.TypeName(baseType)} is not allowed: atomics work on the stack and map values only");
        }

        if (Reg(insn.Src).IsPointer && _options.Strict)
        {
            throw Fail($"R{insn.Src} leaks addr into mem: an atomic operation may not store a pointer (unprivileged)");
        }

        if (insn.Imm == Opcode.AtomicCmpXchg)
        {
            CheckRead(0);
            if (Reg(0).IsPointer && _options.Strict)
            {
                throw Fail("R0 leaks addr into mem: cmpxchg may not compare with a pointer (unprivileged)");
            }
        }

        // Atomics need natural alignment on every architecture (the kernel checks it strictly).
        var baseReg = Reg(insn.Dst);
        var address = Tnum.Add(baseReg.Var, Tnum.Const((ulong)(long)(insn.Offset + baseReg.Off)));
        if ((address.Value & (ulong)(size - 1)) != 0 || (address.Mask & (ulong)(size - 1)) != 0)
        {
            throw Fail($"misaligned access off {address}+{insn.Offset} size {size}: atomic operations need an address aligned to {size} bytes");
        }

        var old = MemAccess(insn.Dst, insn.Offset, size, write: false, value: default);
        MemAccess(insn.Dst, insn.Offset, size, write: true, RegState.UnknownOfSize(size));
        if (insn.Imm == Opcode.AtomicCmpXchg)
        {
            Reg(0) = old.Type == RegType.Scalar ? RegState.UnknownOfSize(size) : old;
        }
        else if ((insn.Imm & Opcode.AtomicFetch) != 0)
        {
            Reg(insn.Src) = RegState.UnknownOfSize(size);
        }
    }

    /// <summary>Checks one load or store through register <paramref name="regno"/>; returns the loaded value for loads.</summary>
    private RegState MemAccess(int regno, int off, int size, bool write, RegState value, bool isImmediate = false)
    {
        var reg = Reg(regno);
        var pc = _cur.Pc;
        switch (reg.Type)
        {
            case RegType.Stack:
                RequireLiveFrame(regno, reg);
                _access[pc] |= AccessRegions.Stack;
                return StackAccess(regno, reg, off, size, write, value, isImmediate);
            case RegType.Ctx:
                _access[pc] |= AccessRegions.Context;
                return CtxAccess(regno, reg, off, size, write);
            case RegType.Packet:
            case RegType.PacketMeta:
                _access[pc] |= reg.Type == RegType.Packet ? AccessRegions.Packet : AccessRegions.PacketMeta;
                return PacketAccess(regno, reg, off, size, write, value);
            case RegType.MapValue:
                {
                    _access[pc] |= AccessRegions.MapValue;
                    var map = _maps[reg.Aux];
                    if (write && (map.Flags & MapReadOnlyForProgram) != 0)
                    {
                        throw Fail($"write into map forbidden, value_size={map.ValueSize} off={off + reg.Off} size={size}: map '{map.Name}' is read-only for programs (.rodata / BPF_F_RDONLY_PROG)");
                    }

                    RegionAccess(regno, reg, off, size, (int)map.ValueSize, "map value", $"map '{map.Name}'");
                    if (write && value.IsPointer && _options.Strict)
                    {
                        throw Fail($"R{regno} leaks addr into map: storing a pointer into a map value would reveal a kernel address (unprivileged)");
                    }

                    return write ? default : ReadOnlyMapValue(map, reg, off, size);
                }

            case RegType.Mem:
                _access[pc] |= AccessRegions.HelperMemory;
                RegionAccess(regno, reg, off, size, reg.Aux, "mem", "reserved memory");
                if (write && value.IsPointer && _options.Strict)
                {
                    throw Fail($"R{regno} leaks addr into mem: storing a pointer into helper memory (unprivileged)");
                }

                return write ? default : RegState.UnknownOfSize(size);
            case RegType.MapValueOrNull:
                throw Fail($"R{regno} invalid mem access 'map_value_or_null': R{regno} may be NULL; check the result of bpf_map_lookup_elem (if (!p) return ...) before dereferencing it");
            case RegType.MemOrNull:
                throw Fail($"R{regno} invalid mem access 'mem_or_null': R{regno} may be NULL; check the result of bpf_ringbuf_reserve before using it");
            case RegType.Scalar:
                throw Fail($"R{regno} invalid mem access 'scalar': R{regno} holds a number, not a pointer; only stack, context, packet and map value pointers can be dereferenced (packet pointers become numbers after bpf_xdp_adjust_head/tail/meta: reload them from ctx)");
            case RegType.PacketEnd:
                throw Fail($"R{regno} invalid mem access 'pkt_end': data_end marks the end of the packet and cannot be dereferenced; compare pointers with it instead");
            default:
                throw Fail($"R{regno} invalid mem access '{StateFormatter.TypeName(reg.Type)}': this pointer cannot be dereferenced");
        }
    }

    /// <summary>A stack pointer saved by a function that has returned points into a frame that no longer exists.</summary>
    private void RequireLiveFrame(int regno, in RegState reg)
    {
        if (reg.Aux > _cur.CurFrame || _cur.Frames[reg.Aux] is null)
        {
            throw Fail($"R{regno} points into the stack of a function that has returned (frame {reg.Aux}); keep stack pointers only while their function runs");
        }
    }

    private RegState ReadOnlyMapValue(MapDefinition map, in RegState reg, int off, int size)
    {
        // Loads from a frozen read-only global (.rodata) at a known offset are the load-time constants.
        if ((map.Flags & MapReadOnlyForProgram) != 0 && map.InitialData is { } data && reg.Var.IsConst)
        {
            var at = off + reg.Off + (long)reg.Var.Value;
            if (at >= 0 && at + size <= data.Length)
            {
                ulong v = 0;
                for (var i = size - 1; i >= 0; i--)
                {
                    v = (v << 8) | data[at + i];
                }

                return RegState.ConstScalar(v);
            }
        }

        return RegState.UnknownOfSize(size);
    }

    /// <summary>Bounds of an access through a pointer with a fixed and a variable offset into a region of <paramref name="regionSize"/> bytes.</summary>
    private void RegionAccess(int regno, in RegState reg, int off, int size, int regionSize, string kind, string what)
    {
        if (reg.SMin < 0)
        {
            throw Fail($"R{regno} min value is negative, either use unsigned index or do a if (index >=0) check: the offset into the {kind} may be below 0");
        }

        if (reg.UMax >= (ulong)Limits.MaxVarOff)
        {
            throw Fail($"R{regno} unbounded memory access, make sure to bounds check any such access: the offset into the {kind} has no upper bound");
        }

        var lo = (long)off + reg.Off + reg.SMin;
        var hi = (long)off + reg.Off + (long)reg.UMax + size;
        if (lo < 0 || hi > regionSize)
        {
            throw Fail(
                $"invalid access to {kind}, value_size={regionSize} off={off + reg.Off}{(reg.Var.IsConst ? string.Empty : $" (+{reg.SMin}..{reg.UMax})")} size={size}: " +
                $"bytes {lo}..{hi - 1} of {what} may be accessed but it has {regionSize}; check the index against the size first");
        }
    }

    private RegState CtxAccess(int regno, in RegState reg, int off, int size, bool write)
    {
        if (reg.Off != 0 || !reg.Var.IsConst || reg.Var.Value != 0)
        {
            throw Fail($"dereference of modified ctx ptr R{regno} off={reg.Off} disallowed: read context fields through the original ctx pointer with a constant offset");
        }

        var field = _ctx.FieldAt(off);
        if (write && (field is not { } writable || writable.ReadOnly))
        {
            throw Fail($"invalid bpf_context access off={off} size={size}: {(field is { } f ? $"{_ctx.StructName}.{f.Name} is read-only" : "no field of " + _ctx.StructName + " is there")}; programs cannot write the context");
        }

        if (field is not { } readable || !_ctx.Allows(off, size, write))
        {
            throw Fail($"invalid bpf_context access off={off} size={size}: " + (field is { } g
                ? $"{_ctx.StructName}.{g.Name} must be read as a whole {g.UserSize}-byte field"
                : $"{_ctx.StructName} has no readable field at offset {off}"));
        }

        var loads = _ctx.LoadOf(readable);
        return loads == RegType.Scalar ? RegState.UnknownOfSize(size) : RegState.Pointer(loads);
    }

    private RegState PacketAccess(int regno, in RegState reg, int off, int size, bool write, in RegState value)
    {
        if (write && !_ctx.PacketWritable)
        {
            throw Fail($"cannot write into packet: this program type may only read the packet");
        }

        if (reg.SMin < 0)
        {
            throw Fail($"R{regno} min value is negative, either use unsigned index or do a if (index >=0) check");
        }

        var at = (long)off + reg.Off;
        if (at < 0 || at + size > reg.Range)
        {
            var limit = reg.Type == RegType.Packet ? "data_end" : "data";
            throw Fail(
                $"invalid access to packet, off={at} size={size}, R{regno}(id={reg.Id},off={reg.Off},r={reg.Range}): " +
                $"R{regno} offset {at}..{at + size - 1} is not proven below {limit} (only {reg.Range} byte(s) are); " +
                $"check 'if (ptr + {Math.Max(at + size, 1)} > {limit}) return' before the access");
        }

        if (write && value.IsPointer && _options.Strict)
        {
            throw Fail($"R{regno} leaks addr into packet: storing a pointer into the packet (unprivileged)");
        }

        return write ? default : RegState.UnknownOfSize(size);
    }

    private RegState StackAccess(int regno, in RegState reg, int off, int size, bool write, in RegState value, bool isImmediate)
    {
        var frame = _cur.Frames[reg.Aux];
        NoteStackSlot(reg, off, size, write);
        if (!reg.Var.IsConst)
        {
            if (reg.SMax >= Limits.MaxVarOff || reg.SMin <= -Limits.MaxVarOff)
            {
                throw Fail($"invalid unbounded variable-offset {(write ? "write to" : "read from")} stack R{regno}: bound the index (e.g. 'i &= 63') before using it");
            }

            var lo = (long)off + reg.Off + reg.SMin;
            var hi = (long)off + reg.Off + reg.SMax + size;
            if (lo < -Limits.MaxStack || hi > 0 || reg.SMin > reg.SMax)
            {
                throw Fail($"invalid variable-offset {(write ? "write to" : "read from")} stack R{regno} var_off={reg.Var} off={off + reg.Off} size={size}: the access may leave the 512-byte frame; bound the index first");
            }

            if (_options.Strict)
            {
                throw Fail($"variable stack access var_off={reg.Var} off={off + reg.Off} size={size} prohibited: use a constant offset (unprivileged)");
            }

            NoteDepth(reg.Aux, (int)-lo);
            if (!write)
            {
                for (var b = (int)lo; b < hi; b++)
                {
                    MarkSlotRead(reg.Aux, (-b - 1) / 8);
                }
            }

            if (write)
            {
                // Any byte of the range may be written: none of them keeps a known value or a spilled register.
                for (var b = (int)lo; b < hi; b++)
                {
                    var si = (-b - 1) / 8;
                    frame.Grow(si);
                    ref var slot = ref frame.Stack[si];
                    if (slot.Kinds[0] == SlotKind.Spill || slot.IsSpill)
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

                    var idx = b + (8 * (si + 1));
                    if (slot.Kinds[idx] != SlotKind.Invalid)
                    {
                        slot.Kinds[idx] = SlotKind.Misc;
                    }
                }

                return default;
            }

            return RegState.UnknownOfSize(size);
        }

        var at = (long)off + reg.Off + (long)reg.Var.Value;
        if (at < -Limits.MaxStack || at + size > 0)
        {
            throw Fail($"invalid {(write ? "write to" : "read from")} stack R{regno} off={at} size={size}: the frame is r10-{Limits.MaxStack}..r10-1");
        }

        if (at % size != 0)
        {
            throw Fail($"misaligned stack access off {at} size {size}: stack accesses must be aligned to their size");
        }

        var a = (int)at;
        NoteDepth(reg.Aux, -a);
        var spi = (-a - 1) / 8;
        var first = a + (8 * (spi + 1)); // byte index inside the slot, 0 = lowest address
        if (write)
        {
            StackWrite(frame, spi, first, size, value, isImmediate);
            if (size == 8)
            {
                _cur.SlotWritten[reg.Aux] |= 1UL << spi;
            }

            return default;
        }

        MarkSlotRead(reg.Aux, spi);
        return StackRead(frame, spi, first, size, a);
    }

    /// <summary>Records in the path's history which stack slot this load or store touched (for precision backtracking).</summary>
    private void NoteStackSlot(in RegState reg, int off, int size, bool write)
    {
        var last = _cur.History.Count - 1;
        if (last < 0)
        {
            return;
        }

        var h = _cur.History[last];
        var at = reg.Var.IsConst ? (long)off + reg.Off + (long)reg.Var.Value : 1;
        if (h.Slot != -1 || Opcode.Mode(_insns[h.Pc].Code) == Opcode.ModeAtomic || reg.Aux != _cur.CurFrame || at >= 0 || at < -Limits.MaxStack)
        {
            _cur.History[last] = h with { Slot = -2 };
            return;
        }

        var spi = (int)((-at - 1) / 8);
        var first = (int)(at + (8 * (spi + 1)));
        if (first + size > 8)
        {
            _cur.History[last] = h with { Slot = -2 };
            return;
        }

        var spilled = false;
        var slot = _cur.Frames[reg.Aux].SlotAt(spi);
        for (var i = first; i < first + size; i++)
        {
            spilled |= slot.Kinds[i] == SlotKind.Spill;
        }

        _cur.History[last] = !write && !spilled ? h with { Slot = -3 } : h with { Slot = spi, Whole = size == 8 };
    }

    private void NoteDepth(int frameNo, int depth)
    {
        var subprog = _cur.Frames[frameNo].Subprog;
        if (depth > _subprogDepth[subprog])
        {
            _subprogDepth[subprog] = depth;
        }
    }

    private void StackWrite(FuncState frame, int spi, int first, int size, in RegState value, bool isImmediate)
    {
        frame.Grow(spi);
        ref var slot = ref frame.Stack[spi];
        if (size == 8)
        {
            slot.Spilled = value;
            if (value.Type == RegType.Scalar && value.IsConst && value.Var.Value == 0 && isImmediate)
            {
                for (var i = 0; i < 8; i++)
                {
                    slot.Kinds[i] = SlotKind.Zero;
                }

                slot.Spilled = default;
                return;
            }

            for (var i = 0; i < 8; i++)
            {
                slot.Kinds[i] = SlotKind.Spill;
            }

            return;
        }

        if (value.IsPointer && _options.Strict)
        {
            throw Fail($"invalid size of register spill: storing part of a pointer on the stack is prohibited (unprivileged)");
        }

        if (slot.IsSpill || slot.Kinds[first] == SlotKind.Spill)
        {
            if (slot.Spilled.IsPointer && _options.Strict)
            {
                throw Fail("attempt to corrupt spilled pointer on stack: a partial store over a saved pointer (unprivileged)");
            }

            for (var i = 0; i < 8; i++)
            {
                if (slot.Kinds[i] == SlotKind.Spill)
                {
                    slot.Kinds[i] = SlotKind.Misc;
                }
            }

            slot.Spilled = default;
        }

        var zero = value.Type == RegType.Scalar && value.IsConst && value.Var.Value == 0;
        if (!zero && first == 0 && value.Type == RegType.Scalar && !_options.Strict)
        {
            // A narrow store of a number at the start of a slot keeps its value (the kernel's partial spill),
            // so a 4-byte key written as a constant is still known when a helper reads it.
            var narrowed = value;
            narrowed.Id = 0;
            if (size < 8)
            {
                var mask = (1UL << (size * 8)) - 1;
                if (narrowed.UMax > mask)
                {
                    narrowed = narrowed.IsConst ? RegState.ConstScalar(narrowed.Var.Value & mask) : RegState.UnknownOfSize(size);
                }
            }

            slot.Spilled = narrowed;
            for (var i = 0; i < size; i++)
            {
                slot.Kinds[i] = SlotKind.Spill;
            }

            return;
        }

        for (var i = first; i < first + size; i++)
        {
            slot.Kinds[i] = zero ? SlotKind.Zero : SlotKind.Misc;
        }
    }

    private RegState StackRead(FuncState frame, int spi, int first, int size, int at)
    {
        var slot = frame.SlotAt(spi);
        if (slot.IsSpill)
        {
            if (size == 8)
            {
                return slot.Spilled;
            }

            if (slot.Spilled.IsPointer)
            {
                throw Fail($"invalid size of register fill: reading {size} bytes of a saved pointer at fp{at}; read it back with an 8-byte load");
            }

            if (slot.Spilled.IsConst)
            {
                var v = slot.Spilled.Var.Value >> (8 * first);
                return RegState.ConstScalar(size == 8 ? v : v & ((1UL << (size * 8)) - 1));
            }

            return RegState.UnknownOfSize(size);
        }

        if (first == 0 && slot.Kinds[0] == SlotKind.Spill && (size == 8 || slot.Kinds[size] != SlotKind.Spill) && slot.Kinds[size - 1] == SlotKind.Spill)
        {
            // Reading back a narrow spill with its own width.
            return slot.Spilled;
        }

        var allZero = true;
        for (var i = first; i < first + size; i++)
        {
            var k = slot.Kinds[i];
            if (k == SlotKind.Invalid)
            {
                if (_options.Strict)
                {
                    throw Fail($"invalid read from stack off {at}+0 size {size}: the stack bytes at fp{at} are read before they are written; initialise the variable (e.g. = {{}}) first");
                }

                allZero = false;
            }
            else if (k != SlotKind.Zero)
            {
                allZero = false;
            }
        }

        return allZero ? RegState.ConstScalar(0) : RegState.UnknownOfSize(size);
    }
}
