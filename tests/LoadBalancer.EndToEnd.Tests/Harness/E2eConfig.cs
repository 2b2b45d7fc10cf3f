using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LoadBalancer.EndToEnd.Tests.Harness;

/// <summary>
/// A generated lb.yaml in a temporary directory: VIPs on 127.0.0.1 at free ports, reals on distinct
/// loopback addresses 127.a.b.n (Linux routes all of 127/8 to lo) so tests can run in parallel.
/// </summary>
internal sealed class E2eConfig : IDisposable
{
    /// <summary>A TCP health check that finds a dead real within about half a second.</summary>
    public const string FastTcpCheck = "{ type: tcp, interval: 200ms, timeout: 150ms, rise: 1, fall: 2 }";

    private static int _nextSubnet = Random.Shared.Next(0, 1000);

    public E2eConfig()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("lb-e2e-").FullName;
        Path = System.IO.Path.Combine(Directory, "lb.yaml");
        var subnet = Interlocked.Increment(ref _nextSubnet);
        RealPrefix = string.Create(CultureInfo.InvariantCulture, $"127.{100 + (subnet % 150)}.{1 + Random.Shared.Next(0, 250)}.");
    }

    public string Directory { get; }

    public string Path { get; }

    public string RealPrefix { get; }

    public IPAddress Real(int n) => IPAddress.Parse(RealPrefix + n.ToString(CultureInfo.InvariantCulture));

    /// <summary>A loopback port free for both TCP and UDP.</summary>
    public static IPEndPoint FreeEndPoint()
    {
        while (true)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var endPoint = (IPEndPoint)tcp.LocalEndPoint!;
            try
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(endPoint);
                return endPoint;
            }
            catch (SocketException)
            {
            }
        }
    }

    /// <summary>The YAML of <paramref name="vips"/> with a short connect timeout and a small flow table.</summary>
    public static string Yaml(params VipSpec[] vips)
    {
        var text = new StringBuilder("frontend: { connectTimeout: 2s, connectRetries: 2, drainTimeout: 0s }\nlruSize: 100000\nvips:\n");
        foreach (var vip in vips)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - address: 127.0.0.1\n    port: {vip.Port}\n    protocol: {vip.Protocol}\n");
            if (vip.HealthCheck is { } check)
            {
                text.Append(CultureInfo.InvariantCulture, $"    healthCheck: {check}\n");
            }

            text.Append("    reals:\n");
            foreach (var real in vip.Reals)
            {
                text.Append(CultureInfo.InvariantCulture, $"      - {{ address: {real.Address}, port: {real.Port} }}\n");
            }
        }

        return text.ToString();
    }

    /// <summary>Replaces the file the way editors and kubelet do: write a temporary file, rename it over.</summary>
    public void Write(string yaml)
    {
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, yaml);
        File.Move(temporary, Path, overwrite: true);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
