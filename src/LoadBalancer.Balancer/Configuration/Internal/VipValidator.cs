using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Configuration.Internal;

/// <summary>Checks one VIP with its reals and health checks.</summary>
internal static class VipValidator
{
    public static void Validate(VipConfiguration? vip, string path, HashSet<VipId> vips, HashSet<string> names, HashSet<IPAddress> allReals, List<ConfigurationError> errors)
    {
        if (vip is null)
        {
            errors.Add(new ConfigurationError(path, "is missing."));
            return;
        }

        if (vip.Name is not null)
        {
            if (!IsName(vip.Name))
            {
                errors.Add(new ConfigurationError($"{path}.name", $"'{vip.Name}' is not a name; use 1..63 letters, digits, '.', '_' or '-'."));
            }
            else if (!names.Add(vip.Name))
            {
                errors.Add(new ConfigurationError($"{path}.name", $"the name '{vip.Name}' is used by another VIP; names are unique."));
            }
        }

        var address = Addresses.Parse(vip.Address, $"{path}.address", errors);
        var protocol = BalancerConfigurationValidator.ParseProtocol(vip.Protocol);
        if (protocol is null)
        {
            errors.Add(new ConfigurationError(
                $"{path}.protocol",
                string.IsNullOrEmpty(vip.Protocol) ? "is missing; use tcp, udp, icmp, icmpv6 or a number 1..255." : $"'{vip.Protocol}' is not a protocol; use tcp, udp, icmp, icmpv6 or a number 1..255."));
        }

        if (vip.Port is < 0 or > 65535)
        {
            errors.Add(new ConfigurationError($"{path}.port", $"'{vip.Port}' is not a port; use 0 (any) .. 65535."));
        }

        var flags = VipFlags.None;
        var flagList = vip.Flags ?? ValueList<string>.Empty;
        for (var i = 0; i < flagList.Count; i++)
        {
            if (VipFlagNames.TryParse(flagList[i], out var flag))
            {
                flags |= flag;
            }
            else
            {
                errors.Add(new ConfigurationError($"{path}.flags[{i}]", $"'{flagList[i]}' is not a VIP flag; use {VipFlagNames.All}."));
            }
        }

        if (address is not null && protocol is not null && vip.Port is >= 0 and <= 65535)
        {
            var id = new VipId(address, (ushort)vip.Port, protocol.Value);
            if (!vips.Add(id))
            {
                errors.Add(new ConfigurationError(path, $"VIP {id} is listed twice."));
            }

            Check(() => Control.Internal.Validate.Vip(id), path, errors);
            Check(() => Control.Internal.Validate.Flags(id, flags), $"{path}.flags", errors);
        }

        HealthCheckValidator.Validate(vip.HealthCheck, $"{path}.healthCheck", errors);
        var seen = new HashSet<IPAddress>();
        var reals = vip.Reals ?? ValueList<RealConfiguration>.Empty;
        for (var i = 0; i < reals.Count; i++)
        {
            var real = reals[i];
            var realPath = $"{path}.reals[{i}]";
            if (real is null)
            {
                errors.Add(new ConfigurationError(realPath, "is missing."));
                continue;
            }

            if (Addresses.Parse(real.Address, $"{realPath}.address", errors) is { } realAddress)
            {
                if (!seen.Add(realAddress))
                {
                    errors.Add(new ConfigurationError($"{realPath}.address", $"real {realAddress} is listed twice in this VIP."));
                }

                allReals.Add(realAddress);
            }

            if (real.Weight is < 0 or > BalancerControl.MaxWeight)
            {
                errors.Add(new ConfigurationError($"{realPath}.weight", $"'{real.Weight}' is outside 0 (drained) .. {BalancerControl.MaxWeight}."));
            }

            if (real.Port is < 0 or > 65535)
            {
                errors.Add(new ConfigurationError($"{realPath}.port", $"'{real.Port}' is not a port; use 1..65535 (0: the VIP's port)."));
            }

            HealthCheckValidator.Validate(real.HealthCheck, $"{realPath}.healthCheck", errors);
            if (vip.Port == 0 && real.Port == 0 && (real.HealthCheck ?? vip.HealthCheck) is { Port: 0 })
            {
                // Nothing names the port to probe: the VIP takes any port, the real keeps the client's, the check says 0.
                errors.Add(new ConfigurationError(
                    real.HealthCheck is null ? $"{realPath}.port" : $"{realPath}.healthCheck.port",
                    $"real {real.Address} has no port on an any-port VIP (port 0), so its health check has no port to probe; set the health check's port (or the real's port)."));
            }
        }
    }

    private static bool IsName(string name)
    {
        if (name.Length is 0 or > 63)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static void Check(Action check, string path, List<ConfigurationError> errors)
    {
        try
        {
            check();
        }
        catch (InvalidBalancerChangeException e)
        {
            errors.Add(new ConfigurationError(path, e.Message));
        }
    }
}
