using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Maps;

public sealed unsafe class MapReadersTests
{
    [Fact]
    public void Replaced_value_memory_is_not_reused_while_an_earlier_reader_is_inside()
    {
        using var map = MapFactory.Create(new MapDefinition("h", MapType.Hash, 8, 32, 16), 1);
        const int reader = 300;
        var value = new byte[32];
        Array.Fill(value, (byte)0xAA);
        map.Update(BitConverter.GetBytes(1UL), value);

        MapReaders.Enter(reader);
        ulong key = 1;
        byte* held = map.Lookup((byte*)&key, 0);
        int progress = 0;
        Exception? failure = null;
        var writer = new Thread(() =>
        {
            try
            {
                var fresh = new byte[32];
                for (int i = 1; i <= 300; i++)
                {
                    Array.Fill(fresh, (byte)i);
                    map.Update(BitConverter.GetBytes(1UL), fresh);
                    Volatile.Write(ref progress, i);
                }
            }
            catch (MapException ex)
            {
                failure = ex;
            }
        });
        writer.Start();

        // The writer runs through the never-used elements, then has to wait for this reader.
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref progress) >= 10, TimeSpan.FromSeconds(5)));
        Assert.False(SpinWait.SpinUntil(() => Volatile.Read(ref progress) == 300, TimeSpan.FromMilliseconds(200)));
        Assert.Equal(-1, new ReadOnlySpan<byte>(held, 32).IndexOfAnyExcept((byte)0xAA));

        MapReaders.Exit(reader);
        Assert.True(writer.Join(TimeSpan.FromSeconds(5)));
        Assert.Null(failure);
        Assert.Equal(300, progress);
        var read = new byte[32];
        Assert.True(map.TryLookup(BitConverter.GetBytes(1UL), read));
        Assert.All(read, b => Assert.Equal(unchecked((byte)300), b));
    }

    [Fact]
    public void Program_writes_never_wait_for_readers_and_keep_the_fifo_quarantine()
    {
        using var map = MapFactory.Create(new MapDefinition("h", MapType.Hash, 8, 8, 16), 1);
        const int reader = 301;
        ulong key = 1, value = 0xAA;
        Assert.Equal(0, map.Update((byte*)&key, (byte*)&value, 0, 0));
        MapReaders.Enter(reader);
        try
        {
            byte* held = map.Lookup((byte*)&key, 0);
            for (ulong i = 1; i <= 64; i++)
            {
                Assert.Equal(0, map.Update((byte*)&key, (byte*)&i, 0, 0));
            }

            // 64 replacements later the first value's memory is still untouched (quarantine >= 64).
            Assert.Equal(0xAAUL, *(ulong*)held);
            for (ulong i = 0; i < 1000; i++)
            {
                Assert.Equal(0, map.Update((byte*)&key, (byte*)&i, 0, 0));
            }
        }
        finally
        {
            MapReaders.Exit(reader);
        }
    }
}
