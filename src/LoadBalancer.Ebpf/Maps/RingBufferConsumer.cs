namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// The single consumer of a <see cref="RingBufMap"/> (libbpf's <c>ring_buffer__consume</c>): drains
/// submitted records in order to a callback and advances the consumer position, freeing their space.
/// </summary>
public sealed class RingBufferConsumer
{
    private readonly RingBufMap _map;

    /// <summary>Creates the consumer of <paramref name="map"/>; use one consumer per ring at a time.</summary>
    public RingBufferConsumer(RingBufMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        _map = map;
    }

    /// <summary>Whether records (or busy reservations) are pending.</summary>
    public bool HasData => _map.Query(0) != 0;

    /// <summary>Delivers up to <paramref name="maxRecords"/> records; returns how many were delivered.</summary>
    public int Drain(RingBufferRecordHandler handler, int maxRecords = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_map.IsDisposed)
        {
            throw new MapException(_map.Name, "the ring buffer was disposed");
        }

        return _map.Ring.Drain(handler, maxRecords);
    }
}
