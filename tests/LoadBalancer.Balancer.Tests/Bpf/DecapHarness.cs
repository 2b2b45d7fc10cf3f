using System.Net;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerLayout;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>decap.bpf.o in the kernel, owning the given outer destination addresses.</summary>
internal sealed class DecapHarness : IDisposable
{
    public DecapHarness(BpfEngine engine, IEnumerable<IPAddress> owned, ushort guePort = 0)
    {
        Xdp = new XdpHarness(engine, "decap", "xdp_decap");
        foreach (var address in owned)
        {
            Xdp.Map("decap_addrs").Update(DecapKey(address), new byte[4]);
        }

        var config = new byte[4];
        config[0] = (byte)(guePort >> 8);
        config[1] = (byte)guePort;
        Xdp.SetArray("decap_config", 0, config);
    }

    public XdpHarness Xdp { get; }

    public (uint Action, byte[] Output) Run(byte[] frame) => Xdp.Run(frame);

    public Dictionary<int, (ulong Packets, ulong Bytes)> Stats() => Xdp.NonZeroStats("decap_stats", DecapStatsEntries);

    public void Dispose() => Xdp.Dispose();
}
