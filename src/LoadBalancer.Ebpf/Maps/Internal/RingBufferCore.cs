using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Maps.Internal;

/// <summary>
/// The kernel's BPF ring buffer protocol in native memory: a producer and a consumer position (each on
/// its own cache line) and a data area of a power-of-two size. Each record starts with an 8-byte header
/// (u32 length with bit 31 BUSY and bit 30 DISCARD, u32 offset) and is padded to 8 bytes. The data area
/// is allocated twice as large instead of mapped twice: a record running past the end continues in the
/// upper half, so records are contiguous for the producer and the consumer alike.
/// </summary>
internal sealed unsafe class RingBufferCore
{
    public const uint BusyBit = 1u << 31;
    public const uint DiscardBit = 1u << 30;
    public const int HeaderSize = 8;

    private readonly byte* _memory;
    private readonly byte* _data;
    private readonly long _size;
    private readonly long _mask;
    private SpinLock _lock = new(enableThreadOwnerTracking: false);

    public RingBufferCore(long size)
    {
        _size = size;
        _mask = size - 1;
        _memory = (byte*)NativeMemory.AlignedAlloc((nuint)(128 + (2 * size)), 64);
        NativeMemory.Clear(_memory, (nuint)(128 + (2 * size)));
        _data = _memory + 128;
    }

    public long Size => _size;

    public long Bytes => 128 + (2 * _size);

    public nint DataStart => (nint)_data;

    private ref long ProducerPos => ref *(long*)_memory;

    private ref long ConsumerPos => ref *(long*)(_memory + 64);

    public long Producer => Volatile.Read(ref ProducerPos);

    public long Consumer => Volatile.Read(ref ConsumerPos);

    /// <summary>Space for a record of <paramref name="length"/> bytes, marked busy; null when it does not fit now.</summary>
    public byte* Reserve(ulong length)
    {
        if (length > (ulong)(_size - HeaderSize) || length > uint.MaxValue / 4)
        {
            return null;
        }

        long total = ((long)length + HeaderSize + 7) & ~7L;
        bool taken = false;
        try
        {
            _lock.Enter(ref taken);
            long producer = ProducerPos;
            if (producer + total - Volatile.Read(ref ConsumerPos) > _size)
            {
                return null;
            }

            byte* header = _data + (producer & _mask);
            Unsafe.WriteUnaligned(header + 4, (uint)(producer & _mask));
            Volatile.Write(ref *(uint*)header, (uint)length | BusyBit);
            Volatile.Write(ref ProducerPos, producer + total);
            return header + HeaderSize;
        }
        finally
        {
            if (taken)
            {
                _lock.Exit(useMemoryBarrier: false);
            }
        }
    }

    /// <summary>Clears BUSY (and sets DISCARD when asked) so the consumer can pass the record.</summary>
    public void Commit(byte* sample, bool discard)
    {
        byte* header = sample - HeaderSize;
        if (header < _data || header >= _data + _size)
        {
            return;
        }

        uint length = Volatile.Read(ref *(uint*)header);
        if ((length & BusyBit) == 0)
        {
            return;
        }

        Volatile.Write(ref *(uint*)header, (length & ~BusyBit) | (discard ? DiscardBit : 0));
    }

    /// <summary>Hands submitted records to <paramref name="handler"/> in order, up to <paramref name="max"/>; stops at a busy one.</summary>
    public int Drain(RingBufferRecordHandler handler, int max)
    {
        int delivered = 0;
        long consumer = Volatile.Read(ref ConsumerPos);
        while (delivered < max && consumer < Volatile.Read(ref ProducerPos))
        {
            byte* header = _data + (consumer & _mask);
            uint length = Volatile.Read(ref *(uint*)header);
            if ((length & BusyBit) != 0)
            {
                break;
            }

            uint payload = length & ~DiscardBit;
            if ((length & DiscardBit) == 0)
            {
                handler(new ReadOnlySpan<byte>(header + HeaderSize, (int)payload));
                delivered++;
            }

            consumer += (payload + HeaderSize + 7) & ~7L;
            Volatile.Write(ref ConsumerPos, consumer);
        }

        return delivered;
    }

    public void Free() => NativeMemory.AlignedFree(_memory);
}
