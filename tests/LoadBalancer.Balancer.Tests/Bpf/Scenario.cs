using System.Net;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>A balancer with one VIP (index 1) and up to three reals (indices 1..3) round-robin in its ring.</summary>
internal sealed class Scenario : IDisposable
{
    public static readonly uint[] RealIndices = [1, 2, 3];

    public Scenario(BpfEngine engine, IPAddress vip, ushort port, byte proto, uint flags, IPAddress[] reals, ushort guePort = 0)
    {
        Lb = new BalancerHarness(engine, guePort);
        Vip = vip;
        Flags = flags;
        Reals = reals;
        Lb.AddVip(vip, port, proto, flags, 1);
        for (var i = 0; i < reals.Length; i++)
        {
            Lb.SetReal(RealIndices[i], reals[i]);
        }

        Used = RealIndices[..reals.Length];
        Lb.FillRing(1, Used);
    }

    /// <summary>The real indices in the ring (1..reals.Length).</summary>
    public uint[] Used { get; }

    public BalancerHarness Lb { get; }

    public IPAddress Vip { get; }

    public uint Flags { get; }

    public IPAddress[] Reals { get; }

    /// <summary>The ring's pick for a flow (index 1..3).</summary>
    public uint Pick(byte[] flowKey) => BalancerHarness.RingPick(flowKey, Flags, Used);

    public uint Hash(byte[] flowKey) => FlowHashReference.FlowHash(flowKey, Flags);

    public IPAddress RealAddress(uint index) => Reals[index - 1];

    /// <summary>The output expected when <paramref name="frame"/> goes to real <paramref name="real"/>.</summary>
    public byte[] ExpectedTo(byte[] frame, uint real, byte[] flowKey) =>
        Expected.Encapsulated(frame, RealAddress(real), Hash(flowKey), (Flags & BalancerLayout.VipGue) != 0, Lb.GuePort);

    public void Dispose() => Lb.Dispose();
}
