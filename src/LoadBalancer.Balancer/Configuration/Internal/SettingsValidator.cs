using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace LoadBalancer.Balancer.Configuration.Internal;

/// <summary>Checks <c>encap</c> (or the older <c>settings</c>, whose field names the errors then use).</summary>
internal static class SettingsValidator
{
    public static void Validate(SettingsConfiguration? s, bool legacy, List<ConfigurationError> errors)
    {
        s ??= new SettingsConfiguration();
        var section = legacy ? "settings" : "encap";
        if (s.EncapMode is not (SettingsConfiguration.IpipMode or SettingsConfiguration.GueMode))
        {
            errors.Add(new ConfigurationError($"{section}.mode", $"'{s.EncapMode}' is not an encapsulation; use ipip (IPIP, IPv6-in-IPv6 or IPv4-in-IPv6 by the real's family) or gue."));
        }

        if (s.GatewayMac is not null && (!PhysicalAddress.TryParse(s.GatewayMac, out var mac) || mac.GetAddressBytes().Length != 6))
        {
            errors.Add(new ConfigurationError($"{section}.gatewayMac", $"'{s.GatewayMac}' is not a MAC address; write six hex bytes, e.g. 02:00:00:00:00:fe."));
        }

        if (s.GuePort is < 0 or > 65535)
        {
            errors.Add(new ConfigurationError($"{section}.guePort", $"'{s.GuePort}' is not a port; use 1..65535 (0: 6080)."));
        }

        Prefix(s.SourceV4, s.SourceV4HashBits, AddressFamily.InterNetwork, legacy ? "settings.sourceV4" : "encap.sourcePrefixV4", legacy ? "settings.sourceV4HashBits" : "encap.sourcePrefixV4", errors);
        Prefix(s.SourceV6, s.SourceV6HashBits, AddressFamily.InterNetworkV6, legacy ? "settings.sourceV6" : "encap.sourcePrefixV6", legacy ? "settings.sourceV6HashBits" : "encap.sourcePrefixV6", errors);
    }

    private static void Prefix(string? address, int hashBits, AddressFamily family, string path, string bitsPath, List<ConfigurationError> errors)
    {
        var name = family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
        if (address is not null)
        {
            if (!System.Net.IPAddress.TryParse(address, out var parsed) || address.Contains('/', StringComparison.Ordinal))
            {
                errors.Add(new ConfigurationError(path, $"'{address}' is not an {name} address."));
            }
            else if (parsed.AddressFamily != family)
            {
                errors.Add(new ConfigurationError(path, $"'{address}' is not an {name} address."));
            }
        }
        else if (hashBits != 0)
        {
            errors.Add(new ConfigurationError(bitsPath, $"{hashBits} hash bits without an {name} source prefix; give the prefix too."));
            return;
        }

        if (hashBits is < 0 or > 32)
        {
            errors.Add(new ConfigurationError(bitsPath, $"'{hashBits}' hash bits is outside 0..32."));
        }
    }
}
