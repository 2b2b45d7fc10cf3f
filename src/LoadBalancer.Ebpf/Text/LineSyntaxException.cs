namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// A problem with one line, raised by the line parsers and turned into an
/// <see cref="AssemblyException"/> (with the line number and text) by <see cref="Assembler"/>.
/// </summary>
internal sealed class LineSyntaxException(string reason) : Exception(reason);
