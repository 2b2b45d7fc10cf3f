using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LoadBalancer.Host.Tests.Serve;

/// <summary>Generated lb.yaml files in a temporary directory, with free loopback ports and distinct real addresses per test.</summary>
internal sealed class ServeConfig : IDisposable
{
    private static int _nextSubnet = Random.Shared.Next(0, 200);

    public ServeConfig()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("lb-serve-test-").FullName;
        Path = System.IO.Path.Combine(Directory, "lb.yaml");
        var subnet = 20 + (Interlocked.Increment(ref _nextSubnet) % 200);
        RealPrefix = $"127.{subnet.ToString(CultureInfo.InvariantCulture)}.{Random.Shared.Next(1, 250).ToString(CultureInfo.InvariantCulture)}.";
    }

    public string Directory { get; }

    public string Path { get; }

    /// <summary>Real n is <c>RealPrefix + n</c> (127.a.b.n, a /8 loopback address).</summary>
    public string RealPrefix { get; }

    public IPAddress Real(int n) => IPAddress.Parse(RealPrefix + n.ToString(CultureInfo.InvariantCulture));

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

    /// <summary>YAML for VIPs on 127.0.0.1, each (port, protocol, reals as (address, port)).</summary>
    public static string Yaml(params (int Port, string Protocol, (IPAddress Address, int Port)[] Reals)[] vips)
    {
        var text = new StringBuilder("vips:\n");
        foreach (var vip in vips)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - address: 127.0.0.1\n    port: {vip.Port}\n    protocol: {vip.Protocol}\n    reals:\n");
            foreach (var real in vip.Reals)
            {
                text.Append(CultureInfo.InvariantCulture, $"      - {{ address: {real.Address}{(real.Port != vip.Port ? $", port: {real.Port}" : "")} }}\n");
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
