using System.Buffers.Binary;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Maps;

public sealed unsafe class RingBufMapTests
{
    private static RingBufMap Create(uint size = 4096) =>
        (RingBufMap)MapFactory.Create(new MapDefinition("events", MapType.RingBuf, 0, 0, size), 1);

    [Fact]
    public void Records_come_out_in_order_and_discarded_ones_are_skipped()
    {
        using var ring = Create();
        var consumer = new RingBufferConsumer(ring);
        byte* a = ring.Reserve(4, 0);
        byte* b = ring.Reserve(12, 0);
        byte* c = ring.Reserve(1, 0);
        *(uint*)a = 1;
        *(uint*)b = 2;
        *c = 3;
        ring.Submit(b, 0);
        var seen = new List<byte[]>();
        Assert.Equal(0, consumer.Drain(r => seen.Add(r.ToArray())));
        ring.Submit(a, 0);
        ring.Discard(c, 0);
        Assert.Equal(2, consumer.Drain(r => seen.Add(r.ToArray())));
        Assert.Equal(4, seen[0].Length);
        Assert.Equal(12, seen[1].Length);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(seen[1]));
        Assert.Equal(0UL, ring.Query(0));
        Assert.Equal(8UL + 8 + 8 + 16 + 8 + 8, ring.Query(2));
    }

    [Fact]
    public void Ring_wraps_around_with_records_kept_contiguous()
    {
        using var ring = Create();
        var consumer = new RingBufferConsumer(ring);
        var received = new List<byte[]>();
        int sent = 0;
        for (int round = 0; round < 200; round++)
        {
            int length = 1 + ((round * 97) % 900);
            var payload = new byte[length];
            Array.Fill(payload, (byte)round);
            fixed (byte* p = payload)
            {
                while (ring.Output(p, (ulong)length, 0) == -BpfErrno.EAGAIN)
                {
                    Assert.True(consumer.Drain(r => received.Add(r.ToArray())) > 0);
                }
            }

            sent++;
        }

        consumer.Drain(r => received.Add(r.ToArray()));
        Assert.Equal(sent, received.Count);
        for (int round = 0; round < sent; round++)
        {
            Assert.Equal(1 + ((round * 97) % 900), received[round].Length);
            Assert.All(received[round], b => Assert.Equal((byte)round, b));
        }

        Assert.True(ring.Query(3) > 4096 * 10);
    }

    [Fact]
    public void Reserve_refuses_what_cannot_fit_and_bad_flags()
    {
        using var ring = Create();
        Assert.True(ring.Reserve(4096, 0) == null);
        Assert.True(ring.Reserve(8, 1) == null);
        Assert.True(ring.Reserve(4088, 0) != null);
        Assert.True(ring.Reserve(1, 0) == null);
        byte x = 0;
        Assert.Equal(-BpfErrno.EINVAL, ring.Output(&x, 1, 8));
        Assert.Equal(-BpfErrno.EAGAIN, ring.Output(&x, 1, 0));
    }

    [Theory]
    [InlineData(4096u * 3)]
    [InlineData(2048u)]
    public void Ring_size_must_be_a_power_of_two_pages(uint size)
    {
        var ex = Assert.Throws<MapException>(() => Create(size));
        Assert.Contains("power of two", ex.Message);
    }

    [Fact]
    public void Perf_event_output_goes_to_the_selected_cpu_buffer()
    {
        using var perf = (PerfEventArrayMap)MapFactory.Create(new MapDefinition("perf", MapType.PerfEventArray, 4, 4, 8), 2);
        ulong value = 0xABCDEF;
        Assert.Equal(0, perf.Output(PerfEventArrayMap.CurrentCpu, (byte*)&value, 8, 1));
        Assert.Equal(0, perf.Output(0, (byte*)&value, 4, 1));
        Assert.Equal(-BpfErrno.ENOENT, perf.Output(5, (byte*)&value, 4, 1));
        Assert.Equal(-BpfErrno.E2BIG, perf.Output(9, (byte*)&value, 4, 1));
        var cpu0 = new List<int>();
        var cpu1 = new List<int>();
        perf.Drain(0, r => cpu0.Add(r.Length));
        perf.Drain(1, r => cpu1.Add(r.Length));
        Assert.Equal(new[] { 4 }, cpu0);
        Assert.Equal(new[] { 8 }, cpu1);
        var big = new byte[40_000];
        fixed (byte* p = big)
        {
            Assert.Equal(0, perf.Output(0, p, (ulong)big.Length, 0));
            Assert.Equal(-BpfErrno.ENOSPC, perf.Output(0, p, (ulong)big.Length, 0));
        }

        Assert.Equal(1, perf.LostRecords);
    }

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
