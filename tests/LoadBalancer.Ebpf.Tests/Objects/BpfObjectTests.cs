using System.Buffers.Binary;

namespace LoadBalancer.Ebpf.Tests.Objects;

public sealed class BpfObjectTests
{
    [Fact]
    public void Setting_a_const_volatile_changes_only_its_bytes_in_a_copy()
    {
        var original = TestObjects.Load("globals");
        var before = (byte[])original.Maps[0].InitialData!.Clone();
        var port = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(port, 8080);

        var changed = original.WithGlobal("drop_port", port);

        var global = changed.FindGlobal("drop_port")!;
        var data = changed.Maps[global.MapIndex].InitialData!;
        Assert.Equal(8080u, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)global.Offset)));
        Assert.Equal(before.AsSpan(8).ToArray(), data.AsSpan(8).ToArray());
        Assert.Equal(before, original.Maps[0].InitialData);
    }

    [Fact]
    public void Setting_a_bss_variable_gives_the_section_initial_data()
    {
        var obj = TestObjects.Load("globals").WithGlobal("bss_max", [1, 2, 3, 4]);
        var global = obj.FindGlobal("bss_max")!;
        var data = obj.Maps[global.MapIndex].InitialData!;
        Assert.Equal(12, data.Length);
        Assert.Equal([1, 2, 3, 4], data.AsSpan((int)global.Offset, 4).ToArray());
    }

    [Fact]
    public void Setting_an_unknown_global_or_with_the_wrong_size_is_refused()
    {
        var obj = TestObjects.Load("globals");
        Assert.Contains("no global variable 'nope'", Assert.Throws<ArgumentException>(() => obj.WithGlobal("nope", [1])).Message, StringComparison.Ordinal);
        Assert.Contains("is 8 bytes; got 4", Assert.Throws<ArgumentException>(() => obj.WithGlobal("magic", [1, 2, 3, 4])).Message, StringComparison.Ordinal);
    }
}
