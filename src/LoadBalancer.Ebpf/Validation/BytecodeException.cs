namespace LoadBalancer.Ebpf.Validation;

/// <summary>
/// Bytecode that cannot run: the message names the instruction ("at PC 12"), shows its fields and says
/// what rule it breaks.
/// </summary>
public sealed class BytecodeException : EbpfException
{
    /// <summary>Creates the exception for the instruction at <paramref name="instructionIndex"/> (slot index, -1 for the whole program).</summary>
    public BytecodeException(string message, int instructionIndex)
        : base(message)
    {
        InstructionIndex = instructionIndex;
    }

    /// <summary>Slot index of the offending instruction, or -1 when the error is about the whole program.</summary>
    public int InstructionIndex { get; }
}
