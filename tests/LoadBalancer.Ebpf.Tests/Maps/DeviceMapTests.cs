using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Maps;

public sealed unsafe class DeviceMapTests
{
    [Fact]
    public void Device_map_holds_redirect_targets_and_allows_delete()
    {
        using var dev = (DeviceMap)MapFactory.Create(new MapDefinition("tx", MapType.DevMap, 4, 4, 4), 1);
        uint key = 1, ifindex = 7;
        Assert.True(dev.Lookup((byte*)&key, 0) == null);
        Assert.Equal(0, dev.Update((byte*)&key, (byte*)&ifindex, 0, 0));
        Assert.Equal(7u, dev.Target(1));
        Assert.Equal(-BpfErrno.EEXIST, dev.Update((byte*)&key, (byte*)&ifindex, 1, 0));
        Assert.Equal(0, dev.Delete((byte*)&key));
        Assert.Equal(0u, dev.Target(1));
    }
}
