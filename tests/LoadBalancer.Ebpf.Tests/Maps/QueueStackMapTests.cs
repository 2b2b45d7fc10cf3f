using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Maps;

public sealed unsafe class QueueStackMapTests
{
    private static QueueStackMap Create(MapType type, uint max = 3) =>
        (QueueStackMap)MapFactory.Create(new MapDefinition("q", type, 0, 4, max), 1);

    [Fact]
    public void Queue_pops_oldest_first_and_stack_newest_first()
    {
        using var queue = Create(MapType.Queue);
        using var stack = Create(MapType.Stack);
        for (uint i = 1; i <= 3; i++)
        {
            Assert.Equal(0, queue.Push((byte*)&i, 0));
            Assert.Equal(0, stack.Push((byte*)&i, 0));
        }

        uint v;
        Assert.Equal(0, queue.Peek((byte*)&v));
        Assert.Equal(1u, v);
        Assert.Equal(0, stack.Peek((byte*)&v));
        Assert.Equal(3u, v);
        var fromQueue = new List<uint>();
        var fromStack = new List<uint>();
        while (queue.Pop((byte*)&v) == 0)
        {
            fromQueue.Add(v);
        }

        while (stack.Pop((byte*)&v) == 0)
        {
            fromStack.Add(v);
        }

        Assert.Equal(new uint[] { 1, 2, 3 }, fromQueue);
        Assert.Equal(new uint[] { 3, 2, 1 }, fromStack);
        Assert.Equal(-BpfErrno.ENOENT, queue.Pop((byte*)&v));
        Assert.Equal(-BpfErrno.ENOENT, stack.Peek((byte*)&v));
    }

    [Fact]
    public void Full_push_fails_unless_exist_drops_the_oldest()
    {
        using var queue = Create(MapType.Queue, 2);
        uint a = 1, b = 2, c = 3, v;
        queue.Push((byte*)&a, 0);
        queue.Push((byte*)&b, 0);
        Assert.Equal(-BpfErrno.E2BIG, queue.Push((byte*)&c, 0));
        Assert.Equal(-BpfErrno.EINVAL, queue.Push((byte*)&c, 1));
        Assert.Equal(0, queue.Push((byte*)&c, 2));
        queue.Pop((byte*)&v);
        Assert.Equal(2u, v);
        Assert.Equal(-BpfErrno.EINVAL, queue.Delete((byte*)null));
        queue.Push(new byte[4]);
        Assert.Equal(BpfErrno.E2BIG, Assert.Throws<MapException>(() => queue.Push(new byte[4])).Errno);
        var value = new byte[4];
        Assert.True(queue.TryPop(value));
        Assert.Equal(3u, BitConverter.ToUInt32(value));
    }

    [Fact]
    public void Queue_needs_a_zero_key_size()
    {
        Assert.Throws<MapException>(() => MapFactory.Create(new MapDefinition("q", MapType.Queue, 4, 4, 2), 1));
    }
}
