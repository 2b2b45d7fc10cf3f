using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Ebpf.Verification;

/// <summary>
/// A program the verifier cannot prove safe. The message names the instruction ("at PC 12"), its
/// text, the C source line when the object has BTF line info, the register states at that point in
/// the kernel log's notation, and one sentence saying what is wrong and what to do.
/// </summary>
public sealed class VerificationException : EbpfException
{
    /// <summary>Creates the exception; <see cref="Verifier"/> builds these.</summary>
    public VerificationException(string reason, int instructionIndex, string? instructionText, SourceLine? sourceLine, string? registerStates)
        : base(Compose(reason, instructionIndex, instructionText, sourceLine, registerStates))
    {
        Reason = reason;
        InstructionIndex = instructionIndex;
        InstructionText = instructionText;
        SourceLine = sourceLine;
        RegisterStates = registerStates;
    }

    private VerificationException(string prefix, VerificationException inner, string programName)
        : base(prefix + inner.Message, inner)
    {
        Reason = inner.Reason;
        InstructionIndex = inner.InstructionIndex;
        InstructionText = inner.InstructionText;
        SourceLine = inner.SourceLine;
        RegisterStates = inner.RegisterStates;
        Log = inner.Log;
        ProgramName = programName;
    }

    /// <summary>The rejected program's function name when known (set by loaders such as <c>LoadedObject</c>).</summary>
    public string? ProgramName { get; }

    /// <summary>Why the program was rejected and what to do, in one sentence.</summary>
    public string Reason { get; }

    /// <summary>Slot index of the instruction where verification failed (-1 for whole-program limits).</summary>
    public int InstructionIndex { get; }

    /// <summary>The instruction as the disassembler prints it, or null.</summary>
    public string? InstructionText { get; }

    /// <summary>The C source line of the instruction, when known.</summary>
    public SourceLine? SourceLine { get; }

    /// <summary>The register (and stack) states at the failing instruction, like the kernel's log (<c>R1=ctx() R10=fp0</c>).</summary>
    public string? RegisterStates { get; }

    /// <summary>The state log up to the failure when <see cref="VerifierOptions.Log"/> was set; else null.</summary>
    public string? Log { get; init; }

    /// <summary>The same rejection, its message prefixed with the object and program it belongs to.</summary>
    internal VerificationException ForProgram(string objectName, string programName, string sectionName) =>
        new($"{objectName}: program '{programName}' (section '{sectionName}'): ", this, programName);

    private static string Compose(string reason, int pc, string? text, SourceLine? line, string? states)
    {
        var where = pc < 0 ? "Verification failed" : $"Verification failed at PC {pc}" + (text is null ? string.Empty : $" ({text})");
        var source = line is null ? string.Empty : $" [{line.FileName}:{line.Line}: {line.Text.Trim()}]";
        var regs = string.IsNullOrEmpty(states) ? string.Empty : $" State: {states}";
        return $"{where}{source}: {reason}{regs}";
    }
}
