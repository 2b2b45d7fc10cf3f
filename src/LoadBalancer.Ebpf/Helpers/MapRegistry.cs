using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary>
/// The maps helpers may be handed, by native handle (<see cref="BpfMap.Handle"/>, what a relocated
/// <c>lddw</c> loads and map-in-map slots hold). Helpers resolve their map argument here instead of
/// dereferencing it, so a program passing garbage gets -EINVAL rather than a crash. Reads are lock-free
/// and allocation-free (copy-on-write snapshot); writers (the control plane) take a lock.
/// </summary>
public sealed class MapRegistry
{
    private readonly Lock _lock = new();
    private Dictionary<nint, BpfMap> _maps = [];
    private RingBufMap[] _ringBuffers = [];
    private int _version;

    /// <summary>Bumped on every change, so run contexts can tell when to refresh their regions.</summary>
    public int Version => Volatile.Read(ref _version);

    /// <summary>The registered maps (a snapshot).</summary>
    public IReadOnlyCollection<BpfMap> Maps => Volatile.Read(ref _maps).Values;

    /// <summary>Registers <paramref name="map"/> (again: no effect).</summary>
    public void Add(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        lock (_lock)
        {
            if (_maps.ContainsKey(map.Handle))
            {
                return;
            }

            var next = new Dictionary<nint, BpfMap>(_maps) { [map.Handle] = map };
            if (map is RingBufMap ring)
            {
                _ringBuffers = [.. _ringBuffers, ring];
            }

            Volatile.Write(ref _maps, next);
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>Forgets <paramref name="map"/> (before it is disposed); false when it was not registered.</summary>
    public bool Remove(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        lock (_lock)
        {
            var next = new Dictionary<nint, BpfMap>(_maps);
            if (!next.Remove(map.Handle))
            {
                return false;
            }

            if (map is RingBufMap ring)
            {
                _ringBuffers = Array.FindAll(_ringBuffers, r => !ReferenceEquals(r, ring));
            }

            Volatile.Write(ref _maps, next);
            Interlocked.Increment(ref _version);
            return true;
        }
    }

    /// <summary>The live map behind <paramref name="handle"/>; false for anything not registered or disposed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(ulong handle, [NotNullWhen(true)] out BpfMap? map)
    {
        if (Volatile.Read(ref _maps).TryGetValue((nint)handle, out map) && !map.IsDisposed)
        {
            return true;
        }

        map = null;
        return false;
    }

    /// <summary>The ring buffer whose data area contains <paramref name="address"/> (for submit/discard), or null.</summary>
    public RingBufMap? RingBufferContaining(ulong address)
    {
        foreach (var ring in Volatile.Read(ref _ringBuffers))
        {
            var regions = ring.ValueRegions;
            for (var i = 0; i < regions.Count; i++)
            {
                var (start, length) = regions[i];
                if (address - (ulong)start < (ulong)length && !ring.IsDisposed)
                {
                    return ring;
                }
            }
        }

        return null;
    }
}
