using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Benchmarks.Proxy;

/// <summary>
/// balancer.bpf.o with one TCP and one UDP VIP on 127.0.0.1 (maps filled by hand: vip_map, reals,
/// ch_rings, lb_config), an echo backend on 127.0.0.2 for each, and a proxy frontend with two workers.
/// </summary>
public sealed class ProxyWorkload : IAsyncDisposable
{
    private const int RingSize = 65537;
    private readonly LoadedObject _loaded;
    private readonly Socket _tcpBackend;
    private readonly Socket _udpBackend;
    private readonly Task _tcpLoop;
    private readonly Task _udpLoop;

    public ProxyWorkload(bool reusePort)
    {
        var obj = ObjectLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "Programs", "balancer.bpf.o"));
        var maps = new List<MapDefinition>();
        foreach (var map in obj.Maps)
        {
            maps.Add(map.Name == "lru_flows" ? map with { MaxEntries = 65536 } : map);
        }

        _loaded = new LoadedObject(
            new BpfObject { Name = obj.Name, Programs = obj.Programs, Maps = maps, Globals = obj.Globals, License = obj.License, Btf = obj.Btf },
            new LoadedObjectOptions { Helpers = XdpHelpers.CreateTable(), CpuCount = 2 });

        var real = IPAddress.Parse("127.0.0.2");
        _tcpBackend = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _tcpBackend.Bind(new IPEndPoint(real, 0));
        _tcpBackend.Listen(4096);
        _udpBackend = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _udpBackend.Bind(new IPEndPoint(real, 0));
        TcpBackend = (IPEndPoint)_tcpBackend.LocalEndPoint!;
        UdpBackend = (IPEndPoint)_udpBackend.LocalEndPoint!;
        _tcpLoop = TcpEchoAsync();
        _udpLoop = UdpEchoAsync();

        var vip = IPAddress.Loopback;
        TcpVip = new IPEndPoint(vip, FreePort());
        UdpVip = new IPEndPoint(vip, FreePort());
        SetConfig();
        AddVip(vip, TcpVip.Port, 6, 0);
        AddVip(vip, UdpVip.Port, 17, 1);
        SetReal(1, real);
        FillRing(0, 1);
        FillRing(1, 1);

        var options = new ProxyOptions { Workers = 2, ReusePort = reusePort, DrainTimeout = TimeSpan.Zero };
        options.Endpoints.Add(new ProxyEndpoint(vip, TcpVip.Port, ProxyProtocol.Tcp));
        options.Endpoints.Add(new ProxyEndpoint(vip, UdpVip.Port, ProxyProtocol.Udp));
        options.RealPort = (address, endpoint) => endpoint.Protocol == ProxyProtocol.Tcp ? TcpBackend.Port : UdpBackend.Port;
        Proxy = new ProxyFrontend(_loaded, "xdp_balancer", options);
        Proxy.Start();
    }

    public ProxyFrontend Proxy { get; }

    public IPEndPoint TcpVip { get; }

    public IPEndPoint UdpVip { get; }

    public IPEndPoint TcpBackend { get; }

    public IPEndPoint UdpBackend { get; }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        _tcpBackend.Dispose();
        _udpBackend.Dispose();
        await Task.WhenAll(_tcpLoop, _udpLoop).ContinueWith(_ => { });
        _loaded.Dispose();
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private async Task TcpEchoAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _tcpBackend.AcceptAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = EchoAsync(socket);
        }
    }

    private static async Task EchoAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[4096];
            try
            {
                int n;
                while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                {
                    await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
                }
            }
            catch (SocketException)
            {
            }
        }
    }

    private async Task UdpEchoAsync()
    {
        var buffer = new byte[65536];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        while (true)
        {
            try
            {
                var n = await _udpBackend.ReceiveFromAsync(buffer, SocketFlags.None, from);
                await _udpBackend.SendToAsync(buffer.AsMemory(0, n), SocketFlags.None, from);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private void SetConfig()
    {
        var config = new byte[32];
        config[0] = 0x02;
        config[5] = 0xfe;
        IPAddress.Parse("172.16.0.0").GetAddressBytes().CopyTo(config, 8);
        config[28] = 16;
        SetArray("lb_config", 0, config);
    }

    private void AddVip(IPAddress address, int port, byte protocol, uint index)
    {
        var key = new byte[20];
        address.GetAddressBytes().CopyTo(key, 0);
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(16), (ushort)port);
        key[18] = protocol;
        key[19] = 2;
        var meta = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(meta.AsSpan(4), index);
        _loaded.GetMap("vip_map").Update(key, meta);
    }

    private void SetReal(uint index, IPAddress address)
    {
        var value = new byte[20];
        address.GetAddressBytes().CopyTo(value, 0);
        SetArray("reals", index, value);
    }

    private void FillRing(uint vipIndex, uint real)
    {
        var keys = new byte[RingSize * 4];
        var values = new byte[RingSize * 4];
        for (var slot = 0; slot < RingSize; slot++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keys.AsSpan(slot * 4), (uint)(vipIndex * RingSize + slot));
            BinaryPrimitives.WriteUInt32LittleEndian(values.AsSpan(slot * 4), real);
        }

        _loaded.GetMap("ch_rings").UpdateBatch(keys, values, RingSize);
    }

    private void SetArray(string map, uint index, byte[] value)
    {
        Span<byte> key = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(key, index);
        _loaded.GetMap(map).Update(key, value);
    }
}
