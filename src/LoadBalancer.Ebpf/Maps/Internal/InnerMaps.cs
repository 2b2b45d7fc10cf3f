using System.Runtime.CompilerServices;

namespace LoadBalancer.Ebpf.Maps.Internal;

/// <summary>Checks shared by the map-in-map types and index iteration shared by index-keyed maps.</summary>
internal static unsafe class InnerMaps
{
    /// <summary>Throws unless <paramref name="inner"/> matches the outer map's inner template as the kernel requires.</summary>
    public static void CheckCompatible(BpfMap outer, BpfMap inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var template = outer.Definition.InnerMap!;
        var d = inner.Definition;
        if (inner.IsDisposed)
        {
            throw new MapException(outer.Name, $"inner map '{d.Name}' was disposed");
        }

        if (d.Type is MapType.ArrayOfMaps or MapType.HashOfMaps)
        {
            throw new MapException(outer.Name, $"inner map '{d.Name}' is itself a map-in-map; only one level is allowed");
        }

        bool anySize = (template.Flags & MapFactory.InnerMapFlag) != 0;
        if (d.Type != template.Type || d.KeySize != template.KeySize || d.ValueSize != template.ValueSize ||
            (d.Flags & ~MapFactory.InnerMapFlag) != (template.Flags & ~MapFactory.InnerMapFlag) ||
            (!anySize && d.MaxEntries != template.MaxEntries))
        {
            throw new MapException(outer.Name,
                $"inner map '{d.Name}' ({d.Type}, key {d.KeySize}, value {d.ValueSize}, max {d.MaxEntries}, flags 0x{d.Flags:x}) " +
                $"does not match the template ({template.Type}, key {template.KeySize}, value {template.ValueSize}, max {template.MaxEntries}, flags 0x{template.Flags:x})");
        }
    }

    /// <summary>Array-style next key: first index for null or out-of-range keys, -ENOENT after the last.</summary>
    public static int NextIndex(byte* key, byte* nextKey, uint max)
    {
        uint index = key == null ? uint.MaxValue : Unsafe.ReadUnaligned<uint>(key);
        if (index >= max)
        {
            Unsafe.WriteUnaligned(nextKey, 0u);
            return 0;
        }

        if (index == max - 1)
        {
            return -BpfErrno.ENOENT;
        }

        Unsafe.WriteUnaligned(nextKey, index + 1);
        return 0;
    }
}
