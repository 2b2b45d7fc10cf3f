namespace LoadBalancer.Ebpf.Text;

/// <summary>One comma-separated operand of a classic-syntax line.</summary>
internal readonly record struct ClassicOperand(ClassicOperandKind Kind, byte Register, Int128 Value, string? Label, bool Hex = false)
{
    /// <summary>
    /// Parses <c>%rN</c>, a number, <c>[%rN]</c> / <c>[%rN+off]</c> / <c>[%rN-off]</c>, or a label.
    /// </summary>
    public static ClassicOperand Parse(string text)
    {
        var cursor = new LineCursor(text);
        ClassicOperand operand;
        if (cursor.TryEat("["))
        {
            var register = cursor.ExpectWideRegister();
            Int128 offset = 0;
            if (cursor.Peek() is '+' or '-')
            {
                offset = cursor.ExpectNumber();
            }

            cursor.Expect("]");
            operand = new ClassicOperand(ClassicOperandKind.Memory, register, offset, null);
        }
        else if (cursor.TryRegister(out var register, out _))
        {
            operand = new ClassicOperand(ClassicOperandKind.Register, register, 0, null);
        }
        else if (cursor.TryNumber(out var value, out var hex))
        {
            operand = new ClassicOperand(ClassicOperandKind.Number, 0, value, null, hex);
        }
        else if (cursor.TryIdentifier() is { } label)
        {
            operand = new ClassicOperand(ClassicOperandKind.Label, 0, 0, label);
        }
        else
        {
            throw new LineSyntaxException($"Invalid operand '{text.Trim()}'");
        }

        cursor.ExpectEnd();
        return operand;
    }

    /// <summary>The number as a 32-bit immediate, or an error.</summary>
    public int ExpectImm32() => ValueRange.Imm32(ExpectNumber(), Hex);

    /// <summary>The register, or an error naming what the operand should have been.</summary>
    public byte ExpectRegister() => Kind == ClassicOperandKind.Register
        ? Register
        : throw new LineSyntaxException($"Invalid register: expected a register (%rN) but found {Describe()}");

    /// <summary>The memory operand's base register and offset, or an error.</summary>
    public (byte Base, short Offset) ExpectMemory() => Kind == ClassicOperandKind.Memory
        ? (Register, ValueRange.Offset16(Value))
        : throw new LineSyntaxException($"Invalid memory operand: expected [%rN+offset] but found {Describe()}");

    /// <summary>The number, or an error.</summary>
    public Int128 ExpectNumber() => Kind == ClassicOperandKind.Number
        ? Value
        : throw new LineSyntaxException($"Expected an immediate but found {Describe()}");

    private string Describe() => Kind switch
    {
        ClassicOperandKind.Register => $"register %r{Register}",
        ClassicOperandKind.Number => $"number {Value}",
        ClassicOperandKind.Memory => "a memory operand",
        _ => $"label '{Label}'",
    };
}
