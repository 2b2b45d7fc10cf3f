using System.Net;
using LoadBalancer.Balancer.Maglev;

namespace LoadBalancer.Balancer.Tests.Maglev;

/// <summary>Backends named like reals: IPv4 addresses 10.x.y.z, port 80, ids 0..n−1.</summary>
internal static class MaglevTestBackends
{
    public static MaglevBackend Real(int index, uint weight = 1) =>
        MaglevBackend.ForEndPoint(index, Address(index), 80, weight);

    public static IPAddress Address(int index) =>
        new([10, (byte)(index >> 16), (byte)(index >> 8), (byte)(index + 1)]);

    public static List<MaglevBackend> Equal(int count)
    {
        var backends = new List<MaglevBackend>(count);
        for (int i = 0; i < count; i++)
        {
            backends.Add(Real(i));
        }

        return backends;
    }

    public static int[] SlotCounts(MaglevTable table, int backends)
    {
        var counts = new int[backends];
        foreach (int id in table.Slots)
        {
            counts[id]++;
        }

        return counts;
    }
}
