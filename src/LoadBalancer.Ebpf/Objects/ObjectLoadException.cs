namespace LoadBalancer.Ebpf.Objects;

/// <summary>
/// An eBPF object file could not be loaded: not an ELF for BPF, truncated, a bad relocation, BTF or
/// map definition. The message names the object, the section and symbol (and offset) at fault.
/// </summary>
public sealed class ObjectLoadException : EbpfException
{
    /// <summary>Creates the exception with a message naming what was wrong and where.</summary>
    public ObjectLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public ObjectLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
