using System.Buffers.Binary;
using System.Text;
using ELFSharp.ELF;
using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Ebpf.Tests.Objects;

public sealed class ObjectLoaderErrorTests
{
    private static ObjectLoadException Rejects(byte[] elf) =>
        Assert.Throws<ObjectLoadException>(() => ObjectLoader.Load(elf, "broken"));

    private static byte[] Patched(string name, string section, int offset, Action<Span<byte>> patch)
    {
        var bytes = TestObjects.Bytes(name);
        var (start, _) = TestObjects.Section(bytes, section);
        patch(bytes.AsSpan(start + offset));
        return bytes;
    }

    [Fact]
    public void A_file_that_is_not_elf_is_rejected()
    {
        Assert.Contains("not an ELF", Rejects(Encoding.ASCII.GetBytes("int main() { return 0; }\n" + new string(' ', 100))).Message, StringComparison.Ordinal);
        Assert.Contains("not an ELF", Rejects([]).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_elf_for_another_machine_is_rejected_with_the_fix()
    {
        var bytes = TestObjects.Bytes("parser");
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), 62);
        var message = Rejects(bytes).Message;
        Assert.Contains("EM_BPF", message, StringComparison.Ordinal);
        Assert.Contains("-target bpf", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_an_object_load_error()
    {
        var missing = Path.Combine(TestObjects.Directory, "does-not-exist.o");
        Assert.Contains("does-not-exist.o", Assert.Throws<ObjectLoadException>(() => ObjectLoader.LoadFile(missing)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void A_truncated_object_is_rejected(double keep)
    {
        var bytes = TestObjects.Bytes("maps");
        Rejects(bytes[..(int)(bytes.Length * keep)]);
    }

    [Fact]
    public void A_relocation_to_a_symbol_that_does_not_exist_names_the_section_and_offset()
    {
        var bytes = Patched("parser", ".relxdp", 0, entry => BinaryPrimitives.WriteUInt32LittleEndian(entry[12..], 9999));
        var message = Rejects(bytes).Message;
        Assert.Contains("'.relxdp'", message, StringComparison.Ordinal);
        Assert.Contains("symbol #9999", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relocation_outside_its_section_names_section_symbol_and_offset()
    {
        var bytes = Patched("parser", ".relxdp", 0, entry => BinaryPrimitives.WriteUInt64LittleEndian(entry, 0x10000));
        var message = Rejects(bytes).Message;
        Assert.Contains("section 'xdp'", message, StringComparison.Ordinal);
        Assert.Contains("symbol 'blocked_ports'", message, StringComparison.Ordinal);
        Assert.Contains("offset 65536", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relocation_on_an_instruction_other_than_lddw_or_call_is_rejected()
    {
        var bytes = Patched("parser", ".relxdp", 0, entry => BinaryPrimitives.WriteUInt64LittleEndian(entry, 0));
        var message = Rejects(bytes).Message;
        Assert.Contains("only lddw and call", message, StringComparison.Ordinal);
        Assert.Contains("offset 0", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_map_reference_to_where_no_map_is_defined_is_rejected()
    {
        // Point the lddw's relocation at the 'license' symbol, which is no map, global data or code.
        var bytes = TestObjects.Bytes("parser");
        using (var elf = ELFReader.Load<ulong>(new MemoryStream(bytes), false))
        {
            var symbols = ((ELFSharp.ELF.Sections.SymbolTable<ulong>)elf.GetSection(".symtab")).Entries.ToList();
            var license = symbols.FindIndex(s => s.Name == "LICENSE");
            var (start, _) = TestObjects.Section(bytes, ".relxdp");
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(start + 12), (uint)license);
        }

        var message = Rejects(bytes).Message;
        Assert.Contains("symbol 'LICENSE'", message, StringComparison.Ordinal);
        Assert.Contains("section 'license'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 12, 0u, "counters", "max_entries is 0")]
    [InlineData(20, 4, 0u, "flows", "key_size 0")]
    [InlineData(20, 8, 0x10000000u, "flows", "value_size 268435456")]
    [InlineData(20, 12, 0xffffffffu, "flows", "GiB cap")]
    [InlineData(0, 4, 8u, "counters", "needs key_size 4")]
    [InlineData(0, 0, 0u, "counters", "BPF_MAP_TYPE_UNSPEC")]
    public void Legacy_map_definitions_with_impossible_sizes_are_rejected(int def, int field, uint value, string map, string expected)
    {
        var bytes = Patched("legacy", "maps", def + field, f => BinaryPrimitives.WriteUInt32LittleEndian(f, value));
        var message = Rejects(bytes).Message;
        Assert.Contains($"map '{map}'", message, StringComparison.Ordinal);
        Assert.Contains("section 'maps'", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Btf_with_a_bad_magic_is_rejected_naming_the_section()
    {
        var bytes = Patched("maps", ".BTF", 0, f => f[0] = 0x00);
        var message = Rejects(bytes).Message;
        Assert.Contains(".BTF", message, StringComparison.Ordinal);
        Assert.Contains("magic", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Btf_maps_without_btf_are_rejected_with_the_fix()
    {
        var bytes = TestObjects.Bytes("maps");
        using (var elf = ELFReader.Load<ulong>(new MemoryStream(bytes), false))
        {
            var index = elf.Sections.ToList().FindIndex(s => s.Name == ".BTF");
            var extName = elf.Sections.Single(s => s.Name == ".BTF.ext").NameIndex;
            var shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40));
            // Rename ".BTF" to "BTF.ext" (the tail of ".BTF.ext" in the name table).
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(shoff + (index * 64)), extName + 1);
        }

        var message = Rejects(bytes).Message;
        Assert.Contains("'.maps' needs BTF", message, StringComparison.Ordinal);
        Assert.Contains("-g", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_btf_map_with_zero_max_entries_is_rejected_naming_the_map()
    {
        var message = Assert.Throws<ObjectLoadException>(() => TestObjects.Load("bad_entries")).Message;
        Assert.Contains("section '.maps', symbol 'empty_hash'", message, StringComparison.Ordinal);
        Assert.Contains("max_entries is 0", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_btf_map_with_an_unknown_field_is_rejected_like_libbpf_does()
    {
        var message = Assert.Throws<ObjectLoadException>(() => TestObjects.Load("bad_field")).Message;
        Assert.Contains("map 'typo_map' has unknown field 'max_entires_typo'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_object_whose_code_sections_are_gone_has_no_programs()
    {
        var bytes = TestObjects.Bytes("parser");
        using (var elf = ELFReader.Load<ulong>(new MemoryStream(bytes), false))
        {
            var index = elf.Sections.ToList().FindIndex(s => s.Name == "xdp");
            var shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40));
            // Clear SHF_EXECINSTR: the section becomes plain data.
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(shoff + (index * 64) + 8), 0x2);
        }

        Assert.Contains("no programs found", Rejects(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_section_that_is_not_four_bytes_is_rejected()
    {
        var bytes = TestObjects.Bytes("legacy");
        using (var elf = ELFReader.Load<ulong>(new MemoryStream(bytes), false))
        {
            var index = elf.Sections.ToList().FindIndex(s => s.Name == "version");
            var shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40));
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(shoff + (index * 64) + 32), 3);
        }

        Assert.Contains("section 'version' is 3 bytes", Rejects(bytes).Message, StringComparison.Ordinal);
    }
}
