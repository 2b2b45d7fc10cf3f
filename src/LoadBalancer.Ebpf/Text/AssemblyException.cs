namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// The assembler refused a line of eBPF assembly text: unknown mnemonic, wrong operands, a value out
/// of range or a label that does not exist. The message names the 1-based line and quotes its text.
/// </summary>
public sealed class AssemblyException : EbpfException
{
    /// <summary>Creates the exception for the given line.</summary>
    /// <param name="lineNumber">1-based line number in the source text.</param>
    /// <param name="lineText">The offending line, as written.</param>
    /// <param name="reason">What is wrong with it.</param>
    public AssemblyException(int lineNumber, string lineText, string reason)
        : base($"{reason} at line {lineNumber}: \"{lineText.Trim()}\". Fix the line (see the llvm-objdump or classic uBPF syntax) and assemble again.")
    {
        LineNumber = lineNumber;
        LineText = lineText;
        Reason = reason;
    }

    /// <summary>1-based line number of the offending line.</summary>
    public int LineNumber { get; }

    /// <summary>The offending line as written.</summary>
    public string LineText { get; }

    /// <summary>What is wrong with the line, without the location.</summary>
    public string Reason { get; }
}
