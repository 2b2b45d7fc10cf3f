namespace LoadBalancer.Ebpf.Btf;

/// <summary>
/// BTF or .BTF.ext data is malformed: out-of-bounds offsets or type ids, unknown kinds, reference
/// loops. The message names the type id or record at fault.
/// </summary>
public sealed class BtfException : EbpfException
{
    /// <summary>Creates the exception with a message naming what was wrong and where.</summary>
    public BtfException(string message)
        : base(message)
    {
    }
}
