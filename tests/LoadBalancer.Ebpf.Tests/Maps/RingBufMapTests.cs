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
}
