using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.Host.Cli;

namespace LoadBalancer.Host.Serve;

/// <summary>
/// <c>lb demo [--config FILE]</c>: <c>lb serve</c> on the example configuration with echo backends on
/// every real's address and port, and instructions to try it with nc and curl; runs until Ctrl-C.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The configuration used when none is given, relative to the repository root.</summary>
    public const string DefaultConfig = "config/lb.yaml";

    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var config = ServeCommand.ConfigOption(required: false);
        config.Description = $"The configuration to serve (default {DefaultConfig}, looked up from the current directory and above the lb binary).";
        var admin = ServeCommand.AdminListenOption();
        var engine = ServeCommand.EngineOption();
        var drainDelay = ServeCommand.DrainDelayOption();
        drainDelay.Description = "Seconds /readyz fails before the listeners close on Ctrl-C (default 0 for the demo).";
        var command = new Command("demo", "Try lb on one machine: lb serve on the example configuration plus local echo backends on every real (each reply names the backend), and the commands to try it. Runs until Ctrl-C.\n\nExample:\n  dotnet run --project src/LoadBalancer.Host -- demo")
        {
            config, admin, engine, drainDelay,
        };
        command.SetAction(parse => CliRunner.Run(parse, () =>
        {
            var path = parse.GetValue(config) ?? FindDefaultConfig();
            var options = new ServeOptions(path, parse.GetValue(admin), parse.GetValue(engine)!, ServeCommand.Seconds(parse.GetValue(drainDelay)) ?? TimeSpan.Zero);
            return RunAsync(options).GetAwaiter().GetResult();
        }));
        return command;
    }

    private static async Task<int> RunAsync(ServeOptions options)
    {
        BalancerConfiguration configuration;
        try
        {
            configuration = ConfigFile.Load(options.ConfigPath, out _).Configuration;
        }
        catch (ConfigException e)
        {
            CliOutput.Error(e.Message);
            return ServeHost.ConfigError;
        }

        var backends = new List<EchoBackend>();
        try
        {
            foreach (var endPoint in BackendEndPoints(configuration))
            {
                try
                {
                    backends.Add(EchoBackend.Start(endPoint.EndPoint, endPoint.Protocol));
                }
                catch (SocketException e)
                {
                    CliOutput.Error($"cannot start the echo backend for real {endPoint.EndPoint} ({endPoint.Protocol.ToString().ToLowerInvariant()}): {e.Message}; is something else listening there?");
                    return CliRunner.InputError;
                }
            }

            return await ServeHost.RunAsync(options, runtime =>
            {
                CliOutput.Line(Instructions(runtime, backends));
                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every distinct real address and port of the configuration's TCP and UDP VIPs.</summary>
    internal static List<(IPEndPoint EndPoint, ProxyProtocol Protocol)> BackendEndPoints(BalancerConfiguration configuration)
    {
        var result = new List<(IPEndPoint, ProxyProtocol)>();
        foreach (var vip in configuration.Vips)
        {
            var protocol = BalancerConfigurationValidator.ParseProtocol(vip.Protocol);
            if (protocol is not (6 or 17) || vip.Port == 0)
            {
                continue;
            }

            foreach (var real in vip.Reals)
            {
                var entry = (new IPEndPoint(IPAddress.Parse(real.Address), vip.PortFor(real)), protocol == 6 ? ProxyProtocol.Tcp : ProxyProtocol.Udp);
                if (!result.Contains(entry))
                {
                    result.Add(entry);
                }
            }
        }

        return result;
    }

    private static string Instructions(ServeRuntime runtime, List<EchoBackend> backends)
    {
        var text = new StringBuilder();
        text.Append("\nlb demo is running (").Append(runtime.ConfigPath).Append(", engine ").Append(runtime.Program.Engine).Append(").\n\nEcho backends (the reals):\n");
        foreach (var backend in backends)
        {
            text.Append("  ").Append(backend).Append('\n');
        }

        text.Append("\nTry it from another terminal; each reply names the backend the program chose:\n");
        foreach (var vip in runtime.Store.Current.Vips)
        {
            var protocol = BalancerConfigurationValidator.ParseProtocol(vip.Protocol);
            if (vip.Port == 0 || protocol is not (6 or 17))
            {
                continue;
            }

            text.Append(protocol == 6 ? $"  printf hi | nc -q1 {vip.Address} {vip.Port}\n" : $"  printf hi | nc -u -w1 {vip.Address} {vip.Port}\n");
        }

        var admin = runtime.Settings.AdminListen;
        var host = admin.Address.Equals(IPAddress.Any) ? "127.0.0.1" : admin.Address.Equals(IPAddress.IPv6Any) ? "[::1]" : admin.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{admin.Address}]" : admin.Address.ToString();
        text.Append("  curl -i http://").Append(host).Append(':').Append(admin.Port).Append("/readyz\n");
        text.Append("\nEdit ").Append(runtime.ConfigPath).Append(" (or kill -HUP ").Append(Environment.ProcessId).Append(") to reload it live. Ctrl-C stops.\n");
        return text.ToString();
    }

    private static string FindDefaultConfig()
    {
        if (File.Exists(DefaultConfig))
        {
            return DefaultConfig;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, DefaultConfig);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return DefaultConfig; // reported as missing by the loader
    }
}
