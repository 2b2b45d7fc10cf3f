using LoadBalancer.Ebpf.Btf;

namespace LoadBalancer.Ebpf.Tests.Btf;

public sealed class BtfSpecTests
{
    [Fact]
    public void Types_are_parsed_with_names_sizes_and_members()
    {
        var b = new BtfBuilder();
        var u32 = b.Int("u32", 4);
        var arr = b.Type(0, BtfKind.Array, 0, 0, u32, u32, 6);
        var key = b.Type(b.Name("key"), BtfKind.Struct, 2, 28, b.Name("a"), u32, 0, b.Name("b"), arr, 32);
        var ptr = b.Type(0, BtfKind.Ptr, 0, key);
        var td = b.Type(b.Name("key_t"), BtfKind.Typedef, 0, key);
        var cst = b.Type(0, BtfKind.Const, 0, td);
        var spec = BtfSpec.Parse(b.Build());

        Assert.Equal(7, spec.Types.Count);
        Assert.Equal("key", spec[key].Name);
        Assert.Equal(["a", "b"], spec[key].Members.Select(m => m.Name));
        Assert.Equal(32u, spec[key].Members[1].Offset);
        Assert.Equal(24ul, spec.SizeOf(arr));
        Assert.Equal(28ul, spec.SizeOf(cst));
        Assert.Equal(8ul, spec.SizeOf(ptr));
        Assert.Equal(key, spec.Skip(cst).Id);
        Assert.Same(spec[key], spec.Find(BtfKind.Struct, "key"));
    }

    [Fact]
    public void A_typedef_loop_is_reported_instead_of_hanging()
    {
        var b = new BtfBuilder();
        b.Type(b.Name("a"), BtfKind.Typedef, 0, 2);
        b.Type(b.Name("b"), BtfKind.Typedef, 0, 1);
        var spec = BtfSpec.Parse(b.Build());
        Assert.Contains("loop", Assert.Throws<BtfException>(() => spec.SizeOf(1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_array_of_itself_is_reported_as_a_loop()
    {
        var b = new BtfBuilder();
        b.Type(0, BtfKind.Array, 0, 0, 1, 1, 2);
        var spec = BtfSpec.Parse(b.Build());
        Assert.Contains("loop", Assert.Throws<BtfException>(() => spec.SizeOf(1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_kind_is_rejected()
    {
        var b = new BtfBuilder();
        b.Type(0, (BtfKind)25, 0, 0);
        Assert.Contains("unknown kind 25", Assert.Throws<BtfException>(() => BtfSpec.Parse(b.Build())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_to_a_missing_type_id_is_rejected()
    {
        var b = new BtfBuilder();
        b.Type(0, BtfKind.Ptr, 0, 42);
        Assert.Contains("type id 42", Assert.Throws<BtfException>(() => BtfSpec.Parse(b.Build())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_outside_the_string_table_is_rejected()
    {
        var b = new BtfBuilder();
        b.Type(5000, BtfKind.Int, 0, 4, 32);
        Assert.Contains("string offset 5000", Assert.Throws<BtfException>(() => BtfSpec.Parse(b.Build())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_struct_whose_members_run_past_the_type_area_is_rejected()
    {
        var b = new BtfBuilder();
        b.Type(0, BtfKind.Struct, 100, 8);
        Assert.Contains("truncated", Assert.Throws<BtfException>(() => BtfSpec.Parse(b.Build())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Areas_outside_the_section_are_rejected()
    {
        var b = new BtfBuilder();
        b.Int("int", 4);
        Assert.Contains("outside", Assert.Throws<BtfException>(() => BtfSpec.Parse(b.Build(typeLenOverride: 1 << 20))).Message, StringComparison.Ordinal);
        Assert.Contains("truncated", Assert.Throws<BtfException>(() => BtfSpec.Parse(new byte[10])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_array_larger_than_4_GiB_has_no_size()
    {
        var b = new BtfBuilder();
        var u64 = b.Int("u64", 8);
        var arr = b.Type(0, BtfKind.Array, 0, 0, u64, u64, 0x80000000);
        var spec = BtfSpec.Parse(b.Build());
        Assert.Throws<BtfException>(() => spec.SizeOf(arr));
    }

    [Fact]
    public void The_btf_of_a_clang_object_describes_its_map_and_program()
    {
        var spec = Objects.TestObjects.Load("parser").Btf!;
        var func = spec.Find(BtfKind.Func, "xdp_port_filter");
        Assert.NotNull(func);
        Assert.Equal(BtfKind.FuncProto, spec[func.TypeId].Kind);
        var maps = spec.Find(BtfKind.Datasec, ".maps")!;
        Assert.Equal("blocked_ports", spec[Assert.Single(maps.Members).TypeId].Name);
    }
}
