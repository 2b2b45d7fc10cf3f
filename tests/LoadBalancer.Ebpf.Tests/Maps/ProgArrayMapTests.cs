using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Maps;

public sealed unsafe class ProgArrayMapTests
{
    [Fact]
    public void Prog_array_slots_hold_programs_for_the_tail_call_helper()
    {
        using var map = (ProgArrayMap)MapFactory.Create(new MapDefinition("jmp", MapType.ProgArray, 4, 4, 4), 1);
        var program = new object();
        map.Set(2, program);
        Assert.Same(program, map.GetProgram(2));
        Assert.Null(map.GetProgram(1));
        Assert.Null(map.GetProgram(99));
        uint key = 2;
        Assert.True(map.Lookup((byte*)&key, 0) == null);
        Assert.True(map.Clear(2));
        Assert.False(map.Clear(2));
        Assert.Null(map.GetProgram(2));
        Assert.Equal(BpfErrno.E2BIG, Assert.Throws<MapException>(() => map.Set(4, program)).Errno);
    }
}
