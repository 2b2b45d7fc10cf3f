using System.Collections.Immutable;
using System.Net;
using System.Net.NetworkInformation;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control.Internal;
using LoadBalancer.Balancer.Maglev;
using LoadBalancer.Balancer.Maps;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Balancer.Control;

/// <summary>
/// The live control plane of balancer.bpf.o (in the spirit of Katran's API): VIPs, reals per VIP with
/// weights, Maglev rings, global settings, QUIC server ids, stats, snapshots and "what if".
/// <para>
/// Every change is validated completely before anything is written (a refused change throws a
/// <see cref="BalancerException"/> and leaves maps and state untouched). Writes are ordered for the
/// dataplane readers running concurrently: a real is written to <c>reals</c> before a ring slot names
/// it, ring slots change only where the Maglev table changed (<see cref="MaglevTable.Diff"/>), a new VIP's
/// ring is complete before its <c>vip_map</c> entry appears, a removed VIP's entry disappears before its
/// ring is cleared, and a real index is released only after no ring slot names it (released indices are
/// reused last-in-line). Flows pinned to a real that a VIP removes are deleted from the flow table, so
/// their next packet takes a fresh pick; drained reals (weight 0) keep their flows.
/// </para>
/// Thread safety: changes are serialised by a lock (one writer at a time); the dataplane reads the maps
/// without locks.
/// </summary>
public sealed class BalancerControl
{
    /// <summary>Highest weight accepted (only ratios matter).</summary>
    public const uint MaxWeight = 1_000_000;

    /// <summary>The <see cref="MapReaders"/> id the control plane reads under (above any worker index).</summary>
    public const int ControlPlaneReader = MapReaders.MaxReaders - 1;

    private static readonly MaglevTable s_emptyRing = MaglevTable.Build([], BalancerConstants.RingSize);

    private readonly BalancerMaps _maps;
    private readonly Lock _lock = new();
    private readonly Dictionary<VipId, VipState> _vips = [];
    private readonly Dictionary<IPAddress, RealState> _reals = [];
    private readonly SortedDictionary<ushort, IPAddress> _quic = [];
    private readonly IndexAllocator _vipIndices = new(0, BalancerConstants.MaxVips - 1);
    private readonly IndexAllocator _realIndices = new(1, BalancerConstants.MaxReals - 1);
    private BalancerSettings _settings;

    /// <summary>A control plane over <paramref name="maps"/>, which must be freshly created (no VIPs, zero rings).</summary>
    public BalancerControl(BalancerMaps maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        _maps = maps;
        _settings = new BalancerSettings(PhysicalAddress.None, BalancerConstants.GueDefaultPort, IPAddress.Any, 0, IPAddress.IPv6Any, 0);
        WriteSettings(_settings);
    }

    /// <summary>The maps this control plane writes.</summary>
    public BalancerMaps Maps => _maps;

    /// <summary>Number of configured VIPs.</summary>
    public int VipCount
    {
        get
        {
            lock (_lock)
            {
                return _vips.Count;
            }
        }
    }

    /// <summary>Adds a VIP without reals (its packets are dropped as NO_REAL until a real is added).</summary>
    /// <exception cref="InvalidBalancerChangeException">Bad address, protocol/port combination or flags.</exception>
    /// <exception cref="VipAlreadyExistsException">The VIP exists.</exception>
    /// <exception cref="BalancerCapacityException">All 64 VIP indices are in use.</exception>
    public void AddVip(VipId vip, VipFlags flags = VipFlags.None)
    {
        Validate.Vip(vip);
        Validate.Flags(vip, flags);
        lock (_lock)
        {
            if (_vips.ContainsKey(vip))
            {
                throw new VipAlreadyExistsException(vip);
            }

            if (_vipIndices.Available == 0)
            {
                throw new BalancerCapacityException($"Cannot add VIP {vip}: all {BalancerConstants.MaxVips} VIP indices (MAX_VIPS) are in use; remove a VIP first.");
            }

            var index = _vipIndices.Allocate();
            var state = new VipState(vip, index, flags, _maps.ReadStats(BalancerConstants.StatsVipBase + index))
            {
                Ring = s_emptyRing,
            };
            _vips.Add(vip, state);
            WriteVip(state);
        }
    }

    /// <summary>Adds a VIP with its reals in one step (the ring is complete before the VIP appears).</summary>
    /// <exception cref="BalancerException">Any reason <see cref="AddVip(VipId, VipFlags)"/> or <see cref="SetReals"/> gives; nothing is applied.</exception>
    public void AddVip(VipId vip, VipFlags flags, IReadOnlyList<RealWeight> reals)
    {
        Validate.Vip(vip);
        Validate.Flags(vip, flags);
        Validate.Reals(vip, reals);
        lock (_lock)
        {
            if (_vips.ContainsKey(vip))
            {
                throw new VipAlreadyExistsException(vip);
            }

            if (_vipIndices.Available == 0)
            {
                throw new BalancerCapacityException($"Cannot add VIP {vip}: all {BalancerConstants.MaxVips} VIP indices (MAX_VIPS) are in use; remove a VIP first.");
            }

            CheckRealCapacity(vip, reals);
            var index = _vipIndices.Allocate();
            var state = new VipState(vip, index, flags, _maps.ReadStats(BalancerConstants.StatsVipBase + index))
            {
                Ring = s_emptyRing,
            };
            _vips.Add(vip, state);
            ApplyReals(state, reals);
            WriteVip(state);
        }
    }

    /// <summary>Removes a VIP: its entry, ring, flows and its references on reals.</summary>
    /// <exception cref="VipNotFoundException">No such VIP.</exception>
    public void RemoveVip(VipId vip)
    {
        lock (_lock)
        {
            var state = Find(vip);
            _maps.DeleteVip(VipKey.Create(vip.Address, vip.Port, vip.Protocol));
            _vips.Remove(vip);
            ApplyReals(state, []);
            PurgeFlows(state, null, purgeAll: true);
            _vipIndices.Release(state.Index);
        }
    }

    /// <summary>Changes a VIP's flags (encapsulation, hashing, LRU use...).</summary>
    /// <exception cref="VipNotFoundException">No such VIP.</exception>
    /// <exception cref="InvalidBalancerChangeException">Bad flags.</exception>
    public void ModifyVip(VipId vip, VipFlags flags)
    {
        Validate.Flags(vip, flags);
        lock (_lock)
        {
            var state = Find(vip);
            state.Flags = flags;
            WriteVip(state);
        }
    }

    /// <summary>Adds a real to a VIP.</summary>
    /// <exception cref="VipNotFoundException">No such VIP.</exception>
    /// <exception cref="InvalidBalancerChangeException">Bad address or weight, or the real is in the VIP already.</exception>
    /// <exception cref="BalancerCapacityException">All real indices are in use.</exception>
    public void AddReal(VipId vip, IPAddress real, uint weight = 1)
    {
        Validate.Weight(vip, new RealWeight(real, weight));
        lock (_lock)
        {
            var state = Find(vip);
            if (state.FindReal(real) >= 0)
            {
                throw new InvalidBalancerChangeException($"VIP {vip} has real {real} already; change its weight instead.");
            }

            var reals = new List<RealWeight>(state.Reals) { new(real, weight) };
            CheckRealCapacity(vip, reals);
            ApplyReals(state, reals);
        }
    }

    /// <summary>Removes a real from a VIP; flows pinned to it move on their next packet.</summary>
    /// <exception cref="VipNotFoundException">No such VIP.</exception>
    /// <exception cref="RealNotFoundException">The VIP has no such real.</exception>
    public void RemoveReal(VipId vip, IPAddress real)
    {
        ArgumentNullException.ThrowIfNull(real);
        lock (_lock)
        {
            var state = Find(vip);
            var at = state.FindReal(real);
            if (at < 0)
            {
                throw new RealNotFoundException(real, $"a real of VIP {vip}");
            }

            var reals = new List<RealWeight>(state.Reals);
            reals.RemoveAt(at);
            ApplyReals(state, reals);
        }
    }

    /// <summary>Changes a real's weight; 0 drains it (out of the ring, its tracked flows stay).</summary>
    /// <exception cref="VipNotFoundException">No such VIP.</exception>
    /// <exception cref="RealNotFoundException">The VIP has no such real.</exception>
    /// <exception cref="InvalidBalancerChangeException">Weight above <see cref="MaxWeight"/>.</exception>
    public void SetWeight(VipId vip, IPAddress real, uint weight)
    {
        Validate.Weight(vip, new RealWeight(real, weight));
        lock (_lock)
        {
            var state = Find(vip);
            var at = state.FindReal(real);
            if (at < 0)
            {
                throw new RealNotFoundException(real, $"a real of VIP {vip}");
            }

            var reals = new List<RealWeight>(state.Reals);
            reals[at] = new RealWeight(real, weight);
            ApplyReals(state, reals);
        }
    }

    /// <summary>Drains a real: weight 0.</summary>
    /// <exception cref="BalancerException">As <see cref="SetWeight"/>.</exception>
    public void DrainReal(VipId vip, IPAddress real) => SetWeight(vip, real, 0);

    /// <summary>Replaces a VIP's reals with <paramref name="reals"/> in one ring update.</summary>
    /// <exception cref="VipNotFoundException">No such VIP.</exception>
    /// <exception cref="InvalidBalancerChangeException">Bad address or weight, or a real listed twice.</exception>
    /// <exception cref="BalancerCapacityException">Not enough free real indices for the new reals.</exception>
    public void SetReals(VipId vip, IReadOnlyList<RealWeight> reals)
    {
        Validate.Reals(vip, reals);
        lock (_lock)
        {
            var state = Find(vip);
            CheckRealCapacity(vip, reals);
            ApplyReals(state, reals);
        }
    }

    /// <summary>Sets the outer Ethernet destination of encapsulated packets.</summary>
    /// <exception cref="InvalidBalancerChangeException">Not a 6-byte MAC address.</exception>
    public void SetGatewayMac(PhysicalAddress mac)
    {
        ArgumentNullException.ThrowIfNull(mac);
        if (mac.GetAddressBytes().Length != 6)
        {
            throw new InvalidBalancerChangeException($"Gateway MAC '{mac}' has {mac.GetAddressBytes().Length} bytes; an Ethernet MAC has 6.");
        }

        lock (_lock)
        {
            WriteSettings(_settings with { GatewayMac = mac });
        }
    }

    /// <summary>Sets the GUE destination port (0 = the default 6080).</summary>
    public void SetGuePort(ushort port)
    {
        lock (_lock)
        {
            WriteSettings(_settings with { GuePort = port == 0 ? BalancerConstants.GueDefaultPort : port });
        }
    }

    /// <summary>Sets the outer source prefixes and how many of their low bits come from the flow hash.</summary>
    /// <exception cref="InvalidBalancerChangeException">A prefix of the wrong family, or more than 32 bits.</exception>
    public void SetSourcePrefixes(IPAddress v4, byte v4HashBits, IPAddress v6, byte v6HashBits)
    {
        ArgumentNullException.ThrowIfNull(v4);
        ArgumentNullException.ThrowIfNull(v6);
        if (BpfAddress.Family(v4) != BalancerConstants.FamilyV4)
        {
            throw new InvalidBalancerChangeException($"Outer IPv4 source prefix {v4} is not an IPv4 address.");
        }

        if (BpfAddress.Family(v6) != BalancerConstants.FamilyV6)
        {
            throw new InvalidBalancerChangeException($"Outer IPv6 source prefix {v6} is not an IPv6 address.");
        }

        Validate.HashBits(v4HashBits, "IPv4");
        Validate.HashBits(v6HashBits, "IPv6");
        lock (_lock)
        {
            WriteSettings(_settings with { SourceV4 = v4, SourceV4HashBits = v4HashBits, SourceV6 = v6, SourceV6HashBits = v6HashBits });
        }
    }

    /// <summary>Routes QUIC packets carrying <paramref name="serverId"/> to <paramref name="real"/> (a real of some VIP).</summary>
    /// <exception cref="InvalidBalancerChangeException">Server id 0 (reserved: "no server id").</exception>
    /// <exception cref="RealNotFoundException">No VIP has that real.</exception>
    public void SetQuicServerId(ushort serverId, IPAddress real)
    {
        ArgumentNullException.ThrowIfNull(real);
        if (serverId == 0)
        {
            throw new InvalidBalancerChangeException("QUIC server id 0 is reserved (the program treats it as 'no server id'); use 1..65535.");
        }

        lock (_lock)
        {
            if (!_reals.TryGetValue(real, out var state))
            {
                throw new RealNotFoundException(real, "a real of any VIP");
            }

            state.References++;
            _maps.SetQuicServerId(serverId, (uint)state.Index);
            if (_quic.TryGetValue(serverId, out var previous))
            {
                Release(previous);
            }

            _quic[serverId] = real;
        }
    }

    /// <summary>Forgets a QUIC server id; false when it was not set.</summary>
    public bool RemoveQuicServerId(ushort serverId)
    {
        lock (_lock)
        {
            if (!_quic.Remove(serverId, out var real))
            {
                return false;
            }

            _maps.SetQuicServerId(serverId, 0);
            Release(real);
            return true;
        }
    }

    /// <summary>Everything configured, as an immutable snapshot.</summary>
    public BalancerSnapshot Snapshot()
    {
        lock (_lock)
        {
            var vips = ImmutableArray.CreateBuilder<VipSnapshot>(_vips.Count);
            foreach (var state in _vips.Values)
            {
                var reals = ImmutableArray.CreateBuilder<VipRealSnapshot>(state.Reals.Count);
                foreach (var real in state.Reals)
                {
                    var index = _reals[real.Address].Index;
                    reals.Add(new VipRealSnapshot(real.Address, real.Weight, index, state.SlotsOf(index)));
                }

                vips.Add(new VipSnapshot(state.Id, state.Index, state.Flags, reals.MoveToImmutable()));
            }

            vips.Sort((a, b) => a.Index.CompareTo(b.Index));
            var realList = new List<RealSnapshot>(_reals.Count);
            foreach (var real in _reals.Values)
            {
                realList.Add(new RealSnapshot(real.Address, real.Index, real.References));
            }

            realList.Sort((a, b) => a.Index.CompareTo(b.Index));
            return new BalancerSnapshot(vips.ToImmutable(), [.. realList], _settings, _quic.ToImmutableSortedDictionary());
        }
    }

    /// <summary>The program's counters, summed over CPUs.</summary>
    public BalancerStats ReadStats()
    {
        lock (_lock)
        {
            var vips = ImmutableDictionary.CreateBuilder<VipId, StatsCounter>();
            foreach (var state in _vips.Values)
            {
                vips[state.Id] = _maps.ReadStats(BalancerConstants.StatsVipBase + state.Index) - state.Baseline;
            }

            var reals = ImmutableDictionary.CreateBuilder<IPAddress, StatsCounter>();
            foreach (var real in _reals.Values)
            {
                reals[real.Address] = _maps.ReadStats(BalancerConstants.StatsRealBase + real.Index) - real.Baseline;
            }

            var actions = ImmutableDictionary.CreateBuilder<XdpAction, StatsCounter>();
            for (var i = 0; i < BalancerConstants.StatsActionCount; i++)
            {
                actions[(XdpAction)i] = _maps.ReadStats(BalancerConstants.StatsActionBase + i);
            }

            var drops = ImmutableDictionary.CreateBuilder<DropReason, StatsCounter>();
            for (var i = 1; i < BalancerConstants.StatsDropCount; i++)
            {
                var counter = _maps.ReadStats(BalancerConstants.StatsDropBase + i);
                if (counter.Packets != 0)
                {
                    drops[(DropReason)i] = counter;
                }
            }

            var events = ImmutableDictionary.CreateBuilder<BalancerEvent, StatsCounter>();
            for (var i = 0; i < BalancerConstants.StatsEventCount; i++)
            {
                var counter = _maps.ReadStats(BalancerConstants.StatsEventBase + i);
                if (counter.Packets != 0)
                {
                    events[(BalancerEvent)i] = counter;
                }
            }

            return new BalancerStats(vips.ToImmutable(), reals.ToImmutable(), actions.ToImmutable(), drops.ToImmutable(), events.ToImmutable());
        }
    }

    /// <summary>
    /// What replacing <paramref name="vip"/>'s reals with <paramref name="proposed"/> would move: ring
    /// slots, and the VIP's flows tracked in the flow table now (read from <c>lru_flows</c>). Changes nothing.
    /// </summary>
    /// <exception cref="VipNotFoundException">No such VIP.</exception>
    /// <exception cref="InvalidBalancerChangeException">The proposal is invalid.</exception>
    public WhatIfResult WhatIf(VipId vip, IReadOnlyList<RealWeight> proposed)
    {
        Validate.Reals(vip, proposed);
        lock (_lock)
        {
            var state = Find(vip);
            var current = state.Ring!;
            var backends = new List<MaglevBackend>(proposed.Count);
            var keptIndices = new HashSet<uint>();
            var temporary = BalancerConstants.MaxReals;
            foreach (var real in proposed)
            {
                var id = _reals.TryGetValue(real.Address, out var existing) ? existing.Index : temporary++;
                if (existing is not null && state.FindReal(real.Address) >= 0)
                {
                    keptIndices.Add((uint)existing.Index);
                }

                backends.Add(MaglevBackend.ForEndPoint(id, real.Address, 0, real.Weight));
            }

            var next = MaglevTable.Build(backends, BalancerConstants.RingSize);
            var slotsMoved = MaglevTable.CountChangedSlots(current.Slots, next.Slots);
            int tracked = 0, moved = 0, repicked = 0;
            foreach (var (key, value) in _maps.ReadFlows())
            {
                if (ResolveVip(in key) != state)
                {
                    continue;
                }

                tracked++;
                if (!keptIndices.Contains(value.RealIndex))
                {
                    moved++;
                }

                var hash = FlowHash.Compute(in key, state.Flags);
                if (current.Lookup(hash) != next.Lookup(hash))
                {
                    repicked++;
                }
            }

            return new WhatIfResult(vip, BalancerConstants.RingSize, slotsMoved, tracked, moved, repicked);
        }
    }

    /// <summary>
    /// The real the VIP's ring gives a flow now (what a packet without a flow-table entry would get),
    /// or null when the VIP does not exist or its ring is empty.
    /// </summary>
    public IPAddress? RingPick(in FlowKey flow)
    {
        lock (_lock)
        {
            var state = ResolveVip(in flow);
            if (state is null)
            {
                return null;
            }

            var id = state.Ring!.Lookup(FlowHash.Compute(in flow, state.Flags));
            return id < 0 ? null : AddressOfIndex(id);
        }
    }

    /// <summary>The address of real index <paramref name="index"/>, or null when the index is free.</summary>
    public IPAddress? AddressOfIndex(int index)
    {
        lock (_lock)
        {
            foreach (var real in _reals.Values)
            {
                if (real.Index == index)
                {
                    return real.Address;
                }
            }

            return null;
        }
    }

    /// <summary>The VIP a packet with this flow key is matched to (exact port first, then port 0), if any.</summary>
    public VipId? MatchVip(in FlowKey flow)
    {
        lock (_lock)
        {
            return ResolveVip(in flow)?.Id;
        }
    }

    private VipState? ResolveVip(in FlowKey flow)
    {
        var destination = flow.Destination;
        if (_vips.TryGetValue(new VipId(destination, flow.DestinationPort, flow.Proto), out var exact))
        {
            return exact;
        }

        return _vips.GetValueOrDefault(new VipId(destination, 0, flow.Proto));
    }

    private VipState Find(VipId vip) => _vips.TryGetValue(vip, out var state) ? state : throw new VipNotFoundException(vip);

    private void CheckRealCapacity(VipId vip, IReadOnlyList<RealWeight> reals)
    {
        var needed = 0;
        foreach (var real in reals)
        {
            if (!_reals.ContainsKey(real.Address))
            {
                needed++;
            }
        }

        if (needed > _realIndices.Available)
        {
            throw new BalancerCapacityException(
                $"VIP {vip} needs {needed} new real indices but only {_realIndices.Available} of {BalancerConstants.MaxReals - 1} (MAX_REALS - 1) are free; remove reals first.");
        }
    }

    /// <summary>Makes <paramref name="reals"/> the VIP's reals: reals first, ring diff, then releases and flow purge.</summary>
    private void ApplyReals(VipState state, IReadOnlyList<RealWeight> reals)
    {
        var added = new List<IPAddress>();
        foreach (var real in reals)
        {
            if (state.FindReal(real.Address) < 0)
            {
                Acquire(real.Address);
                added.Add(real.Address);
            }
        }

        var removed = new List<IPAddress>();
        var wanted = new HashSet<IPAddress>();
        foreach (var real in reals)
        {
            wanted.Add(real.Address);
        }

        foreach (var real in state.Reals)
        {
            if (!wanted.Contains(real.Address))
            {
                removed.Add(real.Address);
            }
        }

        var backends = new List<MaglevBackend>(reals.Count);
        foreach (var real in reals)
        {
            backends.Add(MaglevBackend.ForEndPoint(_reals[real.Address].Index, real.Address, 0, real.Weight));
        }

        var next = MaglevTable.Build(backends, BalancerConstants.RingSize);
        foreach (var change in MaglevTable.Diff(state.Ring!, next))
        {
            _maps.SetRingSlot(state.Index, change.Slot, change.NewId < 0 ? 0u : (uint)change.NewId);
        }

        state.Ring = next;
        state.Reals.Clear();
        state.Reals.AddRange(reals);
        if (removed.Count > 0)
        {
            var removedIndices = new HashSet<uint>();
            foreach (var address in removed)
            {
                removedIndices.Add((uint)_reals[address].Index);
            }

            PurgeFlows(state, removedIndices, purgeAll: false);
            foreach (var address in removed)
            {
                Release(address);
            }
        }
    }

    /// <summary>Deletes the VIP's tracked flows pinned to <paramref name="realIndices"/> (or all of them).</summary>
    private void PurgeFlows(VipState state, HashSet<uint>? realIndices, bool purgeAll)
    {
        foreach (var (key, value) in _maps.ReadFlows())
        {
            if ((purgeAll || realIndices!.Contains(value.RealIndex)) && key.Destination.Equals(state.Id.Address)
                && key.Proto == state.Id.Protocol && (state.Id.Port == 0 || key.DestinationPort == state.Id.Port))
            {
                // Re-read just before deleting (a SYN may have re-pinned the flow since the walk read it; a
                // narrow window remains: maps have no compare-and-delete, in the kernel either), inside a
                // read-side section so the element read cannot be recycled for another key meanwhile.
                MapReaders.Enter(ControlPlaneReader);
                try
                {
                    if (purgeAll || (_maps.TryGetFlow(in key, out var now) && realIndices!.Contains(now.RealIndex)))
                    {
                        _maps.DeleteFlow(in key);
                    }
                }
                finally
                {
                    MapReaders.Exit(ControlPlaneReader);
                }
            }
        }
    }

    private void Acquire(IPAddress address)
    {
        if (!_reals.TryGetValue(address, out var real))
        {
            var index = _realIndices.Allocate();
            real = new RealState(address, index, _maps.ReadStats(BalancerConstants.StatsRealBase + index));
            _maps.SetReal((uint)index, RealDefinition.Create(address));
            _reals.Add(address, real);
        }

        real.References++;
    }

    private void Release(IPAddress address)
    {
        var real = _reals[address];
        if (--real.References == 0)
        {
            _reals.Remove(address);
            _realIndices.Release(real.Index);
        }
    }

    private void WriteVip(VipState state)
    {
        var meta = new VipMeta { Flags = (uint)state.Flags, VipIndex = (uint)state.Index };
        _maps.SetVip(VipKey.Create(state.Id.Address, state.Id.Port, state.Id.Protocol), in meta);
    }

    private unsafe void WriteSettings(BalancerSettings settings)
    {
        var config = default(BalancerConfig);
        var mac = settings.GatewayMac.GetAddressBytes();
        for (var i = 0; i < mac.Length && i < 6; i++)
        {
            config.GatewayMac[i] = mac[i];
        }

        config.GuePort = settings.GuePort;
        settings.SourceV4.TryWriteBytes(new Span<byte>(config.SrcV4, 4), out _);
        settings.SourceV6.TryWriteBytes(new Span<byte>(config.SrcV6, 16), out _);
        config.SrcV4HashBits = settings.SourceV4HashBits;
        config.SrcV6HashBits = settings.SourceV6HashBits;
        _maps.SetConfig(in config);
        _settings = settings;
    }
}
