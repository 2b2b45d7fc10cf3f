using System.Collections.Immutable;
using System.Net;
using System.Runtime.InteropServices;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control.Internal;
using LoadBalancer.Balancer.Maps;

namespace LoadBalancer.Balancer.Control;

/// <summary>
/// The backend side: which outer destinations <c>decap.bpf.o</c> strips tunnels for, its GUE port and its
/// counters (indices as <c>DSTAT_*</c>). Over <see cref="IMapStore"/>s like <see cref="BalancerControl"/>.
/// </summary>
public sealed class DecapControl
{
    private readonly IMapStore _addresses;
    private readonly IMapStore _config;
    private readonly IMapStore _stats;
    private readonly Lock _lock = new();
    private readonly HashSet<IPAddress> _owned = [];

    /// <summary>The decap maps, resolved by name (<c>decap_addrs</c>, <c>decap_config</c>, <c>decap_stats</c>).</summary>
    public DecapControl(Func<string, IMapStore> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        _addresses = resolve("decap_addrs");
        _config = resolve("decap_config");
        _stats = resolve("decap_stats");
    }

    /// <summary>Strip tunnels addressed to <paramref name="address"/>.</summary>
    /// <exception cref="InvalidBalancerChangeException">Bad address.</exception>
    /// <exception cref="BalancerCapacityException">64 addresses are owned already.</exception>
    public void AddAddress(IPAddress address)
    {
        Validate.Address(address, "decap");
        lock (_lock)
        {
            if (_owned.Contains(address))
            {
                return;
            }

            if (_owned.Count == BalancerConstants.MaxDecapAddresses)
            {
                throw new BalancerCapacityException($"Cannot own {address}: the decap program holds {BalancerConstants.MaxDecapAddresses} addresses; remove one first.");
            }

            var key = DecapKey.Create(address);
            uint value = 0;
            _addresses.Update(MemoryMarshal.AsBytes(new ReadOnlySpan<DecapKey>(in key)), MemoryMarshal.AsBytes(new ReadOnlySpan<uint>(in value)));
            _owned.Add(address);
        }
    }

    /// <summary>Stops stripping tunnels addressed to <paramref name="address"/>; false when it was not owned.</summary>
    public bool RemoveAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_lock)
        {
            if (!_owned.Remove(address))
            {
                return false;
            }

            var key = DecapKey.Create(address);
            _addresses.Delete(MemoryMarshal.AsBytes(new ReadOnlySpan<DecapKey>(in key)));
            return true;
        }
    }

    /// <summary>The GUE port accepted (0 = 6080).</summary>
    public void SetGuePort(ushort port)
    {
        var config = new DecapConfig { GuePortBe = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(port) };
        uint key = 0;
        lock (_lock)
        {
            _config.Update(MemoryMarshal.AsBytes(new ReadOnlySpan<uint>(in key)), MemoryMarshal.AsBytes(new ReadOnlySpan<DecapConfig>(in config)));
        }
    }

    /// <summary>The owned addresses.</summary>
    public ImmutableArray<IPAddress> Addresses
    {
        get
        {
            lock (_lock)
            {
                return [.. _owned];
            }
        }
    }

    /// <summary>The 8 counters (<c>DSTAT_*</c> order: IPIP, IPv6-in-IPv4, IPv6-in-IPv6, IPv4-in-IPv6, GUE4, GUE6, passed, malformed), summed over CPUs.</summary>
    public ImmutableArray<StatsCounter> ReadStats()
    {
        var result = ImmutableArray.CreateBuilder<StatsCounter>(BalancerConstants.DecapStatsEntries);
        var values = new byte[_stats.CpuSlots * _stats.PerCpuStride];
        for (var i = 0u; i < BalancerConstants.DecapStatsEntries; i++)
        {
            var sum = default(StatsCounter);
            if (_stats.TryLookupPerCpu(MemoryMarshal.AsBytes(new ReadOnlySpan<uint>(in i)), values))
            {
                for (var cpu = 0; cpu < _stats.CpuSlots; cpu++)
                {
                    sum += MemoryMarshal.Read<StatsCounter>(values.AsSpan(cpu * _stats.PerCpuStride));
                }
            }

            result.Add(sum);
        }

        return result.MoveToImmutable();
    }
}
