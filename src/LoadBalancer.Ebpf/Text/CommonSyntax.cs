using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// The parts both syntaxes share: <c>exit</c>, every spelling of <c>call</c>, and jump targets
/// (a label or a signed slot count such as <c>+3</c>, <c>-1</c>, <c>pc+3</c>).
/// </summary>
internal static class CommonSyntax
{
    /// <summary>
    /// Parses <c>exit</c>, <c>call N</c> (a helper; a negative N is a local call, as llvm-objdump
    /// prints them), <c>call pc+N</c>, <c>call local label</c>, <c>call label</c>, <c>call kfunc N</c>,
    /// <c>call %rN</c> / <c>callx rN</c>. Returns false if the line is none of these.
    /// </summary>
    public static bool TryParseCallOrExit(LineCursor cursor, AssemblyBuilder builder)
    {
        if (cursor.TryEat("exit"))
        {
            cursor.ExpectEnd();
            builder.Emit(new Instruction(Opcode.ClassJmp | Opcode.Exit, 0, 0, 0, 0));
            return true;
        }

        if (cursor.TryEat("callx"))
        {
            EmitCallx(cursor, builder);
            return true;
        }

        if (!cursor.TryEat("call"))
        {
            return false;
        }

        if (cursor.AtEnd)
        {
            throw new LineSyntaxException("Invalid number of operands for call");
        }

        var call = new Instruction(Opcode.ClassJmp | Opcode.Call, 0, 0, 0, 0);
        if (cursor.TryEat("local"))
        {
            EmitTarget(cursor, builder, call with { Src = (byte)CallKind.Local }, TargetField.Imm);
        }
        else if (cursor.TryEat("kfunc"))
        {
            builder.Emit(call with { Src = (byte)CallKind.Kfunc, Imm = cursor.ExpectImm32() });
        }
        else if (cursor.TryEat("helper"))
        {
            builder.Emit(call with { Imm = cursor.ExpectImm32() });
        }
        else if (cursor.Peek() is '%' || IsRegisterNext(cursor))
        {
            EmitCallx(cursor, builder);
            return true;
        }
        else if (cursor.TryEat("pc"))
        {
            builder.Emit(call with { Src = (byte)CallKind.Local, Imm = cursor.ExpectImm32() });
        }
        else if (cursor.TryNumber(out var id))
        {
            var kind = id < 0 ? CallKind.Local : CallKind.Helper;
            builder.Emit(call with { Src = (byte)kind, Imm = ValueRange.Int32(id) });
        }
        else
        {
            EmitTarget(cursor, builder, call with { Src = (byte)CallKind.Local }, TargetField.Imm);
        }

        cursor.ExpectEnd();
        return true;
    }

    /// <summary>
    /// Reads a jump target and emits <paramref name="instruction"/> with the distance in
    /// <paramref name="field"/>, now for a number or at the end for a label.
    /// </summary>
    public static void EmitTarget(LineCursor cursor, AssemblyBuilder builder, Instruction instruction, TargetField field)
    {
        cursor.TryEat("pc");
        if (cursor.TryNumber(out var distance))
        {
            builder.Emit(field == TargetField.Offset
                ? instruction with { Offset = ValueRange.Offset16(distance) }
                : instruction with { Imm = ValueRange.Int32(distance) });
        }
        else if (cursor.TryIdentifier() is { } label)
        {
            builder.EmitWithLabel(instruction, label, field);
        }
        else
        {
            throw new LineSyntaxException($"Expected a jump target (label or +N) but found '{cursor.Rest}'");
        }
    }

    private static void EmitCallx(LineCursor cursor, AssemblyBuilder builder)
    {
        var register = cursor.ExpectWideRegister();
        cursor.ExpectEnd();
        builder.Emit(new Instruction(Opcode.ClassJmp | Opcode.Call | Opcode.SourceX, register, 0, 0, 0));
    }

    private static bool IsRegisterNext(LineCursor cursor)
    {
        var c = cursor.Peek();
        return c is 'r' or 'w' && cursor.Rest.Length > 1 && char.IsAsciiDigit(cursor.Rest[1]);
    }
}
