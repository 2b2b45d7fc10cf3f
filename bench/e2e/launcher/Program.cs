// Temporary launcher for the e2e benchmark until `lb serve` lands: one balancer instance in our runtime,
// VIPs from the command line, the proxy frontend listening on them. Usage:
//   E2eLauncher --workers N --vip tcp|udp:ADDR:PORT[:flag,flag] ... --reals A,B,C
using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Runtime;
using LoadBalancer.Dataplane.Proxy;

var workers = 1;
var vips = new List<(string Protocol, string Address, int Port, string[] Flags)>();
var reals = Array.Empty<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--workers": workers = int.Parse(args[++i]); break;
        case "--reals": reals = args[++i].Split(','); break;
        case "--vip":
            var parts = args[++i].Split(':');
            vips.Add((parts[0], parts[1], int.Parse(parts[2]), parts.Length > 3 ? parts[3].Split(',') : []));
            break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

using var instance = new BalancerInstance(new BalancerInstanceOptions { CpuCount = workers });
var vipConfigs = new List<VipConfiguration>();
foreach (var v in vips)
{
    var realConfigs = new List<RealConfiguration>();
    foreach (var r in reals)
    {
        realConfigs.Add(new RealConfiguration(r));
    }

    vipConfigs.Add(new VipConfiguration(v.Address, v.Port, v.Protocol, new ValueList<string>(v.Flags), new ValueList<RealConfiguration>(realConfigs)));
}

BalancerConfigurationApplier.Apply(instance.Control, new BalancerConfiguration(new SettingsConfiguration(), new ValueList<VipConfiguration>(vipConfigs), ValueList<QuicServerIdConfiguration>.Empty));
var options = new ProxyOptions { Workers = workers };
foreach (var v in vips)
{
    options.Endpoints.Add(new ProxyEndpoint(IPAddress.Parse(v.Address), v.Port, v.Protocol == "udp" ? ProxyProtocol.Udp : ProxyProtocol.Tcp));
}

await using var proxy = new ProxyFrontend(instance.Loaded, BalancerObjects.BalancerProgram, options, engine: LoadBalancer.Dataplane.Engines.JitEngine.Instance);
proxy.Start();
Console.WriteLine($"listening: {vips.Count} endpoint(s), {proxy.WorkerCount} worker(s)");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
await stop.Task;
var c = proxy.GetCounters();
Console.WriteLine(c.ToString());
return 0;
