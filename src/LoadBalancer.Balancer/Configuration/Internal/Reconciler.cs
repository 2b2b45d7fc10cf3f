using System.Net;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Configuration.Internal;

/// <summary>
/// Brings the maps from one <see cref="EffectiveState"/> to another with the fewest control-plane calls:
/// settings only when they differ, a VIP's ring only when its effective reals differ, QUIC ids one by one.
/// <c>applied</c> is updated after every call that succeeded, so it stays true when a call fails.
/// </summary>
internal static class Reconciler
{
    public static void Apply(BalancerControl control, EffectiveState applied, EffectiveState desired)
    {
        var was = applied.Settings;
        var want = desired.Settings;
        if (!was.GatewayMac.Equals(want.GatewayMac))
        {
            control.SetGatewayMac(want.GatewayMac);
            applied.Settings = applied.Settings with { GatewayMac = want.GatewayMac };
        }

        if (was.GuePort != want.GuePort)
        {
            control.SetGuePort(want.GuePort);
            applied.Settings = applied.Settings with { GuePort = want.GuePort };
        }

        if (!was.SourceV4.Equals(want.SourceV4) || was.SourceV4HashBits != want.SourceV4HashBits
            || !was.SourceV6.Equals(want.SourceV6) || was.SourceV6HashBits != want.SourceV6HashBits)
        {
            control.SetSourcePrefixes(want.SourceV4, want.SourceV4HashBits, want.SourceV6, want.SourceV6HashBits);
            applied.Settings = applied.Settings with
            {
                SourceV4 = want.SourceV4, SourceV4HashBits = want.SourceV4HashBits, SourceV6 = want.SourceV6, SourceV6HashBits = want.SourceV6HashBits,
            };
        }

        // QUIC ids that go or change first: they hold references on reals a VIP change may remove.
        foreach (var id in new List<ushort>(applied.Quic.Keys))
        {
            if (!desired.Quic.TryGetValue(id, out var real) || !real.Equals(applied.Quic[id]))
            {
                control.RemoveQuicServerId(id);
                applied.Quic.Remove(id);
            }
        }

        foreach (var id in new List<VipId>(applied.Vips.Keys))
        {
            if (!desired.Vips.ContainsKey(id))
            {
                control.RemoveVip(id);
                applied.Vips.Remove(id);
            }
        }

        var deferred = new List<VipId>();
        foreach (var (id, vip) in desired.Vips)
        {
            if (!applied.Vips.TryGetValue(id, out var current))
            {
                continue;
            }

            if (current.Flags != vip.Flags)
            {
                control.ModifyVip(id, vip.Flags);
                applied.Vips[id] = current = current with { Flags = vip.Flags };
            }

            if (!current.SameReals(vip))
            {
                try
                {
                    control.SetReals(id, vip.Reals);
                    applied.Vips[id] = current with { Reals = vip.Reals };
                }
                catch (BalancerCapacityException)
                {
                    // Its new reals need indices that reals leaving other VIPs (or this one) still hold.
                    deferred.Add(id);
                }
            }
        }

        // Shrink each deferred VIP to the reals that stay first (releasing the others' indices), then grow them all.
        foreach (var id in deferred)
        {
            var vip = desired.Vips[id];
            var current = applied.Vips[id];
            var kept = new List<RealWeight>();
            foreach (var real in current.Reals)
            {
                if (Array.Exists(vip.Reals, r => r.Address.Equals(real.Address)))
                {
                    kept.Add(real);
                }
            }

            control.SetReals(id, kept);
            applied.Vips[id] = current with { Reals = [.. kept] };
        }

        foreach (var id in deferred)
        {
            control.SetReals(id, desired.Vips[id].Reals);
            applied.Vips[id] = applied.Vips[id] with { Reals = desired.Vips[id].Reals };
        }

        foreach (var (id, vip) in desired.Vips)
        {
            if (!applied.Vips.ContainsKey(id))
            {
                control.AddVip(id, vip.Flags, vip.Reals);
                applied.Vips[id] = vip;
            }
        }

        foreach (var (id, real) in desired.Quic)
        {
            if (!applied.Quic.ContainsKey(id))
            {
                control.SetQuicServerId(id, real);
                applied.Quic[id] = real;
            }
        }
    }
}
