using LoadBalancer.Ebpf.Objects.Internal;

namespace LoadBalancer.Ebpf.Objects;

/// <summary>
/// Loads eBPF object files as produced by <c>clang -O2 -g -target bpf -c</c>, following libbpf:
/// programs by section name, legacy and BTF-defined maps, global data sections as one-entry array
/// maps, relocations, bpf-to-bpf calls (subprograms appended to each caller), BTF line info.
/// </summary>
public static class ObjectLoader
{
    /// <summary>Loads an object from its bytes.</summary>
    /// <param name="elf">The ELF file's contents.</param>
    /// <param name="name">
    /// Object name used in messages and to name global data maps (<c>&lt;name&gt;.rodata</c>, libbpf's
    /// rule); null names those maps by their section alone (<c>.rodata</c>).
    /// </param>
    /// <exception cref="ObjectLoadException">The file is not a valid BPF object; the message names section, symbol and offset.</exception>
    public static BpfObject Load(ReadOnlySpan<byte> elf, string? name = null) => ObjectReader.Read(elf.ToArray(), name);

    /// <inheritdoc cref="Load(ReadOnlySpan{byte}, string?)" />
    public static BpfObject Load(byte[] elf, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(elf);
        return ObjectReader.Read((byte[])elf.Clone(), name);
    }

    /// <summary>
    /// Loads an object file. Its name is the file name up to the first dot (libbpf's rule), so
    /// <c>balancer.bpf.o</c> is <c>balancer</c> and its read-only data map <c>balancer.rodata</c>.
    /// </summary>
    /// <exception cref="ObjectLoadException">The file cannot be read or is not a valid BPF object.</exception>
    public static BpfObject LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ObjectLoadException($"{path}: cannot read the object file ({e.Message}).", e);
        }

        var fileName = Path.GetFileName(path);
        var dot = fileName.IndexOf('.');
        return ObjectReader.Read(bytes, dot > 0 ? fileName[..dot] : fileName);
    }
}
