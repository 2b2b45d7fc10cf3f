using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Balancer.Configuration.Internal;

/// <summary>Checks the service sections: <c>admin</c>, <c>frontend</c>, <c>lruSize</c>.</summary>
internal static class ServiceValidator
{
    /// <summary>Largest flow table accepted (about 12 GiB of flows; the default is 1 M).</summary>
    public const int MaxLruSize = 100_000_000;

    /// <summary>Most workers (map reader slots, one kept for the control plane).</summary>
    public const int MaxWorkers = MapReaders.MaxReaders - 1;

    public static void Validate(BalancerConfiguration c, List<ConfigurationError> errors)
    {
        var admin = c.Admin ?? new AdminConfiguration();
        if (!AdminConfiguration.TryParseListen(admin.Listen, out _))
        {
            errors.Add(new ConfigurationError("admin.listen", $"'{admin.Listen}' is not ip:port; write e.g. 127.0.0.1:9180 or [::1]:9180 (port 1..65535)."));
        }

        if (admin.TokenFile is not null && string.IsNullOrWhiteSpace(admin.TokenFile))
        {
            errors.Add(new ConfigurationError("admin.tokenFile", "is empty; give the path of a file holding the bearer token, or leave it out."));
        }

        var f = c.Frontend ?? new FrontendConfiguration();
        if (f.Mode is not (FrontendConfiguration.ProxyMode or FrontendConfiguration.PacketMode))
        {
            errors.Add(new ConfigurationError("frontend.mode", $"'{f.Mode}' is not a frontend mode; use proxy or packet."));
        }
        else if (f.Mode == FrontendConfiguration.PacketMode && string.IsNullOrWhiteSpace(f.Interface))
        {
            errors.Add(new ConfigurationError("frontend.interface", "is required in packet mode; name the network interface, e.g. eth0."));
        }

        if (f.Interface is not null && (f.Interface.Length is 0 or > 15 || f.Interface.AsSpan().IndexOfAny(" /\t") >= 0))
        {
            errors.Add(new ConfigurationError("frontend.interface", $"'{f.Interface}' is not an interface name (1..15 characters, no '/' or spaces)."));
        }

        if (f.Workers is < 0 or > MaxWorkers)
        {
            errors.Add(new ConfigurationError("frontend.workers", $"'{f.Workers}' is outside 0 (one per processor) .. {MaxWorkers}."));
        }

        if (f.ConnectRetries is < 0 or > 10)
        {
            errors.Add(new ConfigurationError("frontend.connectRetries", $"'{f.ConnectRetries}' is outside 0..10."));
        }

        Addresses.Duration(f.UdpIdleTimeout, "frontend.udpIdleTimeout", errors);
        Addresses.Duration(f.ConnectTimeout, "frontend.connectTimeout", errors);
        Addresses.Duration(f.DrainTimeout, "frontend.drainTimeout", errors, allowZero: true);
        if (c.LruSize is < 1 or > MaxLruSize)
        {
            errors.Add(new ConfigurationError("lruSize", $"'{c.LruSize}' is outside 1..{MaxLruSize} flows."));
        }
    }
}
