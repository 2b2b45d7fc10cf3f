using System.CommandLine;
using System.Globalization;
using LoadBalancer.Host.Cli;

namespace LoadBalancer.Host.Serve;

/// <summary><c>lb serve --config FILE [--admin-listen ip:port] [--engine jit|interpreter] [--drain-delay S]</c>.</summary>
internal static class ServeCommand
{
    /// <summary>The <c>--config</c> option (shared with <c>lb demo</c>).</summary>
    public static Option<string> ConfigOption(bool required) => new("--config", "-c")
    {
        Description = "The lb.yaml configuration file; its directory is watched and a change is applied live (SIGHUP reloads too).",
        Required = required,
    };

    /// <summary>The <c>--admin-listen</c> option.</summary>
    public static Option<string?> AdminListenOption() => new("--admin-listen")
    {
        Description = $"Admin endpoint (/healthz, /readyz, /metrics, API): <ip>:<port> or [<ipv6>]:<port>; overrides admin.listen (default {AdminListenAddress.Default}).",
    };

    /// <summary>The <c>--engine</c> option.</summary>
    public static Option<string> EngineOption() => new("--engine", "-e")
    {
        Description = "Execution engine of the XDP program: jit or interpreter.",
        DefaultValueFactory = _ => "jit",
    };

    /// <summary>The <c>--drain-delay</c> option.</summary>
    public static Option<double?> DrainDelayOption() => new("--drain-delay")
    {
        Description = "Seconds /readyz fails before the listeners close on SIGTERM (default 15, so routers withdraw this node first).",
    };

    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var config = ConfigOption(required: true);
        var admin = AdminListenOption();
        var engine = EngineOption();
        var drainDelay = DrainDelayOption();
        var command = new Command("serve", "Run the load balancer: proxy frontend on the configuration's TCP/UDP VIPs, admin endpoint with /healthz and /readyz, hot reload.\n\nSignals: SIGHUP reloads the configuration; SIGTERM or Ctrl-C fails /readyz, keeps forwarding for the drain delay, then drains open connections and exits 0.\n\nExamples:\n  lb serve --config config/lb.yaml\n  lb serve --config /etc/lb/lb.yaml --admin-listen [::]:9180")
        {
            config, admin, engine, drainDelay,
        };
        command.SetAction(parse => CliRunner.Run(parse, () =>
        {
            var options = new ServeOptions(parse.GetRequiredValue(config), parse.GetValue(admin), parse.GetValue(engine)!, Seconds(parse.GetValue(drainDelay)));
            return ServeHost.RunAsync(options).GetAwaiter().GetResult();
        }));
        return command;
    }

    /// <summary>A <c>--drain-delay</c> value as a time span.</summary>
    /// <exception cref="ArgumentException">Negative or not finite.</exception>
    public static TimeSpan? Seconds(double? seconds) => seconds switch
    {
        null => null,
        >= 0 and < 86400 => TimeSpan.FromSeconds(seconds.Value),
        _ => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--drain-delay {seconds}: give seconds from 0 to 86400.")),
    };
}
