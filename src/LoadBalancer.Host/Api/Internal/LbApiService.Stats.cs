using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Api.Internal;

/// <summary>Stats, health, flow and what-if methods.</summary>
internal sealed partial class LbApiService
{
    public override Task<GetStatsResponse> GetStats(GetStatsRequest request, ServerCallContext context)
    {
        var config = _store.Current;
        var stats = _control.ReadStats();
        var response = new GetStatsResponse
        {
            LruHits = stats.LruHits.Packets,
            LruMisses = stats.LruMisses.Packets,
        };
        foreach (var vip in config.Vips)
        {
            response.Vips.Add(VipStatsOf(vip, stats));
        }

        foreach (var (real, counter) in stats.Reals)
        {
            response.Reals.Add(new RealStats { Real = real.ToString(), Packets = counter.Packets, Bytes = counter.Bytes });
        }

        foreach (var action in Enum.GetValues<XdpAction>())
        {
            var counter = stats.Actions.GetValueOrDefault(action);
            response.Actions.Add(new ActionStats { Action = ApiMapper.SnakeCase(action.ToString()), Packets = counter.Packets, Bytes = counter.Bytes });
        }

        foreach (var (reason, counter) in stats.Drops.OrderBy(d => d.Key))
        {
            response.Drops.Add(new DropStats { Reason = ApiMapper.SnakeCase(reason.ToString()), Packets = counter.Packets, Bytes = counter.Bytes });
        }

        foreach (var (e, counter) in stats.Events.OrderBy(d => d.Key))
        {
            response.Events.Add(new EventStats { Event = ApiMapper.SnakeCase(e.ToString()), Packets = counter.Packets, Bytes = counter.Bytes });
        }

        return Task.FromResult(response);
    }

    public override Task<VipStats> GetVipStats(GetVipStatsRequest request, ServerCallContext context)
    {
        var config = _store.Current;
        var vip = config.Vips[VipLookup.Find(config, request.Vip)];
        return Task.FromResult(VipStatsOf(vip, _control.ReadStats()));
    }

    private static VipStats VipStatsOf(VipConfiguration vip, BalancerStats stats)
    {
        var id = VipLookup.IdOf(vip);
        var counter = stats.Vips.GetValueOrDefault(id);
        var message = new VipStats { Vip = id.ToString(), Name = vip.Name ?? string.Empty, Packets = counter.Packets, Bytes = counter.Bytes };
        foreach (var real in vip.Reals)
        {
            var address = IPAddress.Parse(real.Address);
            var r = stats.Reals.GetValueOrDefault(address);
            message.Reals.Add(new RealStats { Real = address.ToString(), Packets = r.Packets, Bytes = r.Bytes });
        }

        return message;
    }

    public override Task<GetHealthResponse> GetHealth(GetHealthRequest request, ServerCallContext context)
    {
        var config = _store.Current;
        VipId? only = string.IsNullOrEmpty(request.Vip) ? null : VipLookup.IdOf(config.Vips[VipLookup.Find(config, request.Vip)]);
        var names = new Dictionary<VipId, string?>();
        foreach (var vip in config.Vips)
        {
            names[VipLookup.IdOf(vip)] = vip.Name;
        }

        var response = new GetHealthResponse();
        if (_health is not null)
        {
            foreach (var h in _health.Snapshot())
            {
                if (only is null || h.Vip == only)
                {
                    response.Reals.Add(ApiMapper.ToMessage(h, names.GetValueOrDefault(h.Vip)));
                }
            }

            return Task.FromResult(response);
        }

        foreach (var vip in config.Vips)
        {
            var id = VipLookup.IdOf(vip);
            if (only is not null && id != only)
            {
                continue;
            }

            foreach (var real in vip.Reals)
            {
                response.Reals.Add(new V1.RealHealth { Vip = id.ToString(), VipName = vip.Name ?? string.Empty, Real = IPAddress.Parse(real.Address).ToString(), Healthy = true, Checked = false });
            }
        }

        return Task.FromResult(response);
    }

    public override Task<GetRealForFlowResponse> GetRealForFlow(GetRealForFlowRequest request, ServerCallContext context)
    {
        var source = VipLookup.ParseAddress(request.Source, "source");
        var destination = VipLookup.ParseAddress(request.Destination, "destination");
        if (source.AddressFamily != destination.AddressFamily)
        {
            throw ApiErrors.InvalidArgument("source", $"{source} and destination {destination} are of different address families.");
        }

        if (request.SourcePort > 65535)
        {
            throw ApiErrors.InvalidArgument("sourcePort", $"'{request.SourcePort}' is not a port; use 0..65535.");
        }

        if (request.DestinationPort > 65535)
        {
            throw ApiErrors.InvalidArgument("destinationPort", $"'{request.DestinationPort}' is not a port; use 0..65535.");
        }

        var protocol = request.Protocol.Length == 0 ? VipId.Tcp : BalancerConfigurationValidator.ParseProtocol(request.Protocol)
            ?? throw ApiErrors.InvalidArgument("protocol", $"'{request.Protocol}' is not a protocol; use tcp, udp, icmp, icmpv6 or a number 1..255.");
        var flow = FlowKey.Create(source, destination, (ushort)request.SourcePort, (ushort)request.DestinationPort, protocol);
        var vip = _control.MatchVip(in flow);
        var real = vip is null ? null : _control.RingPick(in flow);
        return Task.FromResult(new GetRealForFlowResponse { Vip = vip?.ToString() ?? string.Empty, Real = real?.ToString() ?? string.Empty });
    }

    public override Task<WhatIfResponse> WhatIf(WhatIfRequest request, ServerCallContext context)
    {
        var config = _store.Current;
        var id = VipLookup.IdOf(config.Vips[VipLookup.Find(config, request.Vip)]);
        var proposed = new List<RealWeight>(request.Reals.Count);
        for (var i = 0; i < request.Reals.Count; i++)
        {
            var real = request.Reals[i];
            var address = VipLookup.ParseAddress(real.Address, $"reals[{i}].address");
            var weight = real.HasWeight ? real.Weight : 1;
            if (weight > BalancerControl.MaxWeight)
            {
                throw ApiErrors.InvalidArgument($"reals[{i}].weight", $"'{weight}' is outside 0 (drained) .. {BalancerControl.MaxWeight}.");
            }

            proposed.Add(new RealWeight(address, weight));
        }

        WhatIfResult result;
        try
        {
            result = _control.WhatIf(id, proposed);
        }
        catch (VipNotFoundException e)
        {
            throw ApiErrors.NotFound("vip", e.Message);
        }
        catch (InvalidBalancerChangeException e)
        {
            throw ApiErrors.InvalidArgument("reals", e.Message);
        }

        return Task.FromResult(new WhatIfResponse
        {
            Vip = id.ToString(),
            RingSlots = result.RingSlots,
            SlotsMoved = result.SlotsMoved,
            ShareOfSlotsMoved = result.ShareOfSlotsMoved,
            TrackedFlows = result.TrackedFlows,
            FlowsMoved = result.FlowsMoved,
            ShareOfFlowsMoved = result.ShareOfFlowsMoved,
            FlowsRepicked = result.FlowsRepicked,
            ShareOfFlowsRepicked = result.ShareOfFlowsRepicked,
        });
    }
}
