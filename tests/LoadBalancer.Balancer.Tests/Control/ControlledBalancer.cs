using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Maps;
using LoadBalancer.Balancer.Tests.Bpf;

namespace LoadBalancer.Balancer.Tests.Control;

/// <summary>balancer.bpf.o in either engine, configured only through <see cref="BalancerControl"/>.</summary>
internal sealed class ControlledBalancer : IDisposable
{
    public ControlledBalancer(BpfEngine engine, uint flowCapacity = 4096)
    {
        Xdp = new XdpHarness(engine, "balancer", "xdp_balancer", d => d.Name == "lru_flows" ? d with { MaxEntries = flowCapacity } : d);
        var stores = new Dictionary<string, IMapStore>();
        Rings = new CountingMapStore(Xdp.Map("ch_rings").Store);
        Flows = new CountingMapStore(Xdp.Map("lru_flows").Store);
        Maps = new BalancerMaps(name => name switch
        {
            "ch_rings" => Rings,
            "lru_flows" => Flows,
            _ => Xdp.Map(name).Store,
        });
        Control = new BalancerControl(Maps);
        Control.SetGatewayMac(new PhysicalAddress(BalancerHarness.GatewayMac));
        Control.SetSourcePrefixes(BalancerHarness.SourceV4Prefix, BalancerHarness.SourceV4Bits, BalancerHarness.SourceV6Prefix, BalancerHarness.SourceV6Bits);
    }

    public XdpHarness Xdp { get; }

    public CountingMapStore Rings { get; }

    public CountingMapStore Flows { get; }

    public BalancerMaps Maps { get; }

    public BalancerControl Control { get; }

    public (uint Action, byte[] Output) Run(byte[] frame) => Xdp.Run(frame);

    /// <summary>The outer destination of an encapsulated output (Ethernet without VLAN).</summary>
    public static IPAddress OuterDestination(byte[] output) =>
        BinaryPrimitives.ReadUInt16BigEndian(output.AsSpan(12)) == 0x86dd
            ? new IPAddress(output.AsSpan(14 + 24, 16))
            : new IPAddress(output.AsSpan(14 + 16, 4));

    public void Dispose() => Xdp.Dispose();
}
