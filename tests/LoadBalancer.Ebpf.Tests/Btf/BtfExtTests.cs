using LoadBalancer.Ebpf.Btf;
using LoadBalancer.Ebpf.Tests.Objects;

namespace LoadBalancer.Ebpf.Tests.Btf;

public sealed class BtfExtTests
{
    private static (BtfSpec Spec, byte[] Ext) Sections(string name)
    {
        var bytes = TestObjects.Bytes(name);
        var (btfOffset, btfSize) = TestObjects.Section(bytes, ".BTF");
        var (extOffset, extSize) = TestObjects.Section(bytes, ".BTF.ext");
        return (BtfSpec.Parse(bytes.AsSpan(btfOffset, btfSize)), bytes.AsSpan(extOffset, extSize).ToArray());
    }

    [Fact]
    public void Func_and_line_info_are_grouped_by_code_section()
    {
        var (spec, ext) = Sections("calls");
        var parsed = BtfExt.Parse(ext, spec);
        Assert.Equal(["xdp_first", "xdp_second"], parsed.FuncInfo["xdp"].Select(f => spec[f.TypeId].Name));
        Assert.Equal([0u, 88u], parsed.FuncInfo["xdp"].Select(f => f.InstructionOffset));
        Assert.Equal(["classify", "loop_body", "add_twice"], parsed.FuncInfo[".text"].Select(f => spec[f.TypeId].Name));
        var lines = TestObjects.SourceLines("calls");
        Assert.All(parsed.LineInfo["tc"].Where(l => l.Line > 0), l => Assert.Equal(lines[l.Line - 1].Trim(), l.LineText.Trim()));
    }

    [Fact]
    public void A_line_info_block_claiming_more_records_than_present_is_rejected()
    {
        var (spec, ext) = Sections("parser");
        var body = BitConverter.ToInt32(ext, 4);
        var lineOff = BitConverter.ToInt32(ext, 16);
        // First block's record count sits after the record size and the section name offset.
        BitConverter.TryWriteBytes(ext.AsSpan(body + lineOff + 8), 1_000_000);
        Assert.Contains("more than the area holds", Assert.Throws<BtfException>(() => BtfExt.Parse(ext, spec)).Message, StringComparison.Ordinal);
    }
}
