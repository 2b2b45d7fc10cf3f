using System.Globalization;
using System.Net;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Configuration.Internal;

/// <summary>The human-readable difference between two valid configurations, one line per change.</summary>
internal static class ConfigurationDiffer
{
    public static List<string> Lines(BalancerConfiguration before, BalancerConfiguration after)
    {
        var lines = new List<string>();
        Field(lines, "admin.listen", before.Admin.Listen, after.Admin.Listen);
        Field(lines, "admin.tokenFile", before.Admin.TokenFile, after.Admin.TokenFile);
        var (f, g) = (before.Frontend, after.Frontend);
        Field(lines, "frontend.mode", f.Mode, g.Mode);
        Field(lines, "frontend.interface", f.Interface, g.Interface);
        Field(lines, "frontend.workers", f.Workers, g.Workers);
        Field(lines, "frontend.reusePort", f.ReusePort, g.ReusePort);
        Field(lines, "frontend.udpIdleTimeout", f.UdpIdleTimeout, g.UdpIdleTimeout);
        Field(lines, "frontend.connectTimeout", f.ConnectTimeout, g.ConnectTimeout);
        Field(lines, "frontend.connectRetries", f.ConnectRetries, g.ConnectRetries);
        Field(lines, "frontend.drainTimeout", f.DrainTimeout, g.DrainTimeout);
        Field(lines, "frontend.gueForward", f.GueForward, g.GueForward);
        Field(lines, "lruSize", before.LruSize, after.LruSize);
        var (s, t) = (before.Settings, after.Settings);
        Field(lines, "encap.mode", s.EncapMode, t.EncapMode);
        Field(lines, "encap.gatewayMac", s.GatewayMac, t.GatewayMac);
        Field(lines, "encap.guePort", s.GuePort, t.GuePort);
        Field(lines, "encap.sourcePrefixV4", Prefix(s.SourceV4, s.SourceV4HashBits, 32), Prefix(t.SourceV4, t.SourceV4HashBits, 32));
        Field(lines, "encap.sourcePrefixV6", Prefix(s.SourceV6, s.SourceV6HashBits, 128), Prefix(t.SourceV6, t.SourceV6HashBits, 128));

        var old = Index(before);
        var next = Index(after);
        foreach (var (id, vip) in old)
        {
            if (!next.ContainsKey(id))
            {
                lines.Add($"{Label(vip, id)}: removed");
            }
        }

        foreach (var (id, vip) in next)
        {
            if (!old.TryGetValue(id, out var was))
            {
                lines.Add($"{Label(vip, id)}: added with {vip.Reals.Count} real(s)");
            }
            else if (!was.Equals(vip))
            {
                VipLines(lines, id, was, vip);
            }
        }

        var quicBefore = new Dictionary<int, string>();
        foreach (var q in before.QuicServerIds)
        {
            quicBefore[q.Id] = q.Real;
        }

        var quicAfter = new Dictionary<int, string>();
        foreach (var q in after.QuicServerIds)
        {
            quicAfter[q.Id] = q.Real;
            if (!quicBefore.TryGetValue(q.Id, out var real))
            {
                lines.Add($"quic server id {q.Id}: added ({q.Real})");
            }
            else if (real != q.Real)
            {
                lines.Add($"quic server id {q.Id}: {real} -> {q.Real}");
            }
        }

        foreach (var q in before.QuicServerIds)
        {
            if (!quicAfter.ContainsKey(q.Id))
            {
                lines.Add($"quic server id {q.Id}: removed");
            }
        }

        return lines;
    }

    public static string Label(VipConfiguration vip, VipId id) => vip.Name is null ? $"vip {id}" : $"vip {vip.Name} ({id})";

    private static void VipLines(List<string> lines, VipId id, VipConfiguration was, VipConfiguration vip)
    {
        var label = Label(vip, id);
        if (was.Name != vip.Name)
        {
            lines.Add($"{label}: renamed from {was.Name ?? "(no name)"}");
        }

        if (!was.Flags.Equals(vip.Flags))
        {
            lines.Add($"{label}: flags [{string.Join(", ", was.Flags)}] -> [{string.Join(", ", vip.Flags)}]");
        }

        if (!Equals(was.HealthCheck, vip.HealthCheck))
        {
            lines.Add($"{label}: health check {Change(was.HealthCheck, vip.HealthCheck)}");
        }

        var before = new Dictionary<IPAddress, RealConfiguration>();
        foreach (var real in was.Reals)
        {
            before[IPAddress.Parse(real.Address)] = real;
        }

        var after = new HashSet<IPAddress>();
        foreach (var real in vip.Reals)
        {
            var address = IPAddress.Parse(real.Address);
            after.Add(address);
            if (!before.TryGetValue(address, out var old))
            {
                lines.Add($"{label}: real {address} added (weight {real.Weight})");
                continue;
            }

            if (old.Weight != real.Weight)
            {
                lines.Add($"{label}: real {address} weight {old.Weight} -> {real.Weight}");
            }

            if (old.Port != real.Port)
            {
                lines.Add($"{label}: real {address} port {old.Port} -> {real.Port}");
            }

            if (!Equals(old.HealthCheck, real.HealthCheck))
            {
                lines.Add($"{label}: real {address} health check {Change(old.HealthCheck, real.HealthCheck)}");
            }
        }

        foreach (var (address, _) in before)
        {
            if (!after.Contains(address))
            {
                lines.Add($"{label}: real {address} removed");
            }
        }
    }

    private static string Change(HealthCheckConfiguration? was, HealthCheckConfiguration? now) =>
        was is null ? $"added ({now!.Type})" : now is null ? "removed" : "changed";

    private static Dictionary<VipId, VipConfiguration> Index(BalancerConfiguration c)
    {
        var index = new Dictionary<VipId, VipConfiguration>(c.Vips.Count);
        foreach (var vip in c.Vips)
        {
            index[BalancerConfigurationValidator.TryGetVipId(vip)!.Value] = vip;
        }

        return index;
    }

    private static string? Prefix(string? address, int hashBits, int bits) =>
        address is null ? null : $"{address}/{(bits - hashBits).ToString(CultureInfo.InvariantCulture)}";

    private static void Field<T>(List<string> lines, string path, T before, T after)
    {
        if (!EqualityComparer<T>.Default.Equals(before, after))
        {
            lines.Add($"{path}: {Show(before)} -> {Show(after)}");
        }
    }

    private static string Show<T>(T value) => value switch
    {
        null => "(none)",
        TimeSpan t when ConfigDuration.IsRepresentable(t) => ConfigDuration.Format(t),
        bool b => b ? "true" : "false",
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
