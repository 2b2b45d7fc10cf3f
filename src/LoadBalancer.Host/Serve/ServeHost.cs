using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Health;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Runtime;
using LoadBalancer.Dataplane.Proxy;
using LoadBalancer.Host.Api;
using LoadBalancer.Host.Cli;
using LoadBalancer.Host.Metrics;
using LoadBalancer.Dataplane.Xdp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LoadBalancer.Host.Serve;

/// <summary>
/// Composition of <c>lb serve</c>: a WebApplication whose Kestrel serves the admin endpoint (HTTP/1.1 and
/// h2c) and whose services are the balancer, the configuration store, the serve runtime, the config
/// watcher and the lifecycle that drains on SIGTERM. <see cref="AddExtensions"/> / <see cref="MapExtensions"/>
/// are where the control API, metrics and health checks plug in.
/// </summary>
public static class ServeHost
{
    /// <summary>Exit code when the configuration or a command-line value is invalid.</summary>
    public const int ConfigError = 2;

    /// <summary>
    /// Loads the configuration, runs until SIGTERM / Ctrl-C (draining) and returns the exit code:
    /// 0 after a clean shutdown, 2 for an invalid configuration or option, 1 when start-up failed.
    /// </summary>
    /// <param name="options">The command line.</param>
    /// <param name="whenReady">Called once the instance is ready (the demo prints its instructions here).</param>
    public static async Task<int> RunAsync(ServeOptions options, Func<ServeRuntime, Task>? whenReady = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConfigFile file;
        ServeSettings settings;
        try
        {
            file = ConfigFile.Load(options.ConfigPath, out _);
            settings = ServeSettings.Resolve(options, file.Configuration);
        }
        catch (Exception e) when (e is ConfigException or ArgumentException)
        {
            CliOutput.Error(e.Message);
            return ConfigError;
        }

        var app = Build(settings, file);
        await using (app.ConfigureAwait(false))
        {
            var lifecycle = app.Services.GetRequiredService<ServeLifecycleService>();
            await app.StartAsync().ConfigureAwait(false);
            if (whenReady is not null)
            {
                var readiness = app.Services.GetRequiredService<ReadinessState>();
                var stopping = app.Lifetime.ApplicationStopping;
                while (!readiness.IsReady && !stopping.IsCancellationRequested)
                {
                    await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
                }

                if (readiness.IsReady)
                {
                    await whenReady(app.Services.GetRequiredService<ServeRuntime>()).ConfigureAwait(false);
                }
            }

            await app.WaitForShutdownAsync().ConfigureAwait(false);
            return lifecycle.ExitCode;
        }
    }

    /// <summary>Builds the host for <paramref name="settings"/> with <paramref name="file"/> as the first configuration.</summary>
    internal static WebApplication Build(ServeSettings settings, ConfigFile file)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "lb" });
        builder.Host.UseSystemd();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error); // the h2c warning: CleartextHttp2 handles it
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.AllowAlternateSchemes = true; // h2c connections look like TLS to Kestrel (CleartextHttp2); their :scheme is http
            kestrel.Listen(settings.AdminListen, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.Use(CleartextHttp2.Middleware);
            });
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.DrainDelay + settings.DrainTimeout + TimeSpan.FromSeconds(10));

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton<ReadinessState>();
        services.AddSingleton<ReloadStatistics>();
        services.AddSingleton(_ => new BalancerInstance(new BalancerInstanceOptions { CpuCount = settings.Workers, FlowCapacity = settings.FlowCapacity }));
        services.AddSingleton(sp => sp.GetRequiredService<BalancerInstance>().Control);
        services.AddSingleton(sp => new ConfigurationStore(sp.GetRequiredService<BalancerInstance>().Control));
        services.AddSingleton<IConfigurationStore>(sp => sp.GetRequiredService<ConfigurationStore>());
        services.AddSingleton(sp => new HealthMonitor(sp.GetRequiredService<IConfigurationStore>(), sp.GetRequiredService<ILogger<HealthMonitor>>(), TimeProvider.System));
        services.AddSingleton<IHealthStatus>(sp => sp.GetRequiredService<HealthMonitor>());
        services.AddSingleton(sp => new ServeRuntime(
            settings,
            sp.GetRequiredService<BalancerInstance>(),
            sp.GetRequiredService<IConfigurationStore>(),
            file.Configuration,
            file.Hash,
            sp.GetRequiredService<ReloadStatistics>(),
            sp.GetRequiredService<ReadinessState>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetServices<IConfigureOptions<ProxyOptions>>()));
        services.AddSingleton<IServeRuntime>(sp => sp.GetRequiredService<ServeRuntime>());
        services.AddSingleton<ServeLifecycleService>();
        services.AddHostedService(sp => sp.GetRequiredService<ServeLifecycleService>());
        services.AddSingleton<ConfigReloadService>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigReloadService>());
        AddExtensions(builder, settings, file);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LoadBalancer.Host.Serve");
        ServeLog.Starting(logger, settings.ConfigPath, settings.Engine.Name, settings.Workers, settings.FlowCapacity, settings.AdminListen.ToString(), SocketCompletionMode.Inline ? "inline" : "thread pool");
        if (FileDescriptorLimit.RaiseSoftToHard() is { } limit)
        {
            ServeLog.FileLimit(logger, limit.Before, limit.After, limit.Hard);
        }

        app.MapLbProbes();
        MapExtensions(app);
        return app;
    }

    /// <summary>
    /// Plug-in point for the services of the control API and metrics (<c>AddLbApi()</c>,
    /// <c>AddLbMetrics()</c>). They find the <see cref="IConfigurationStore"/> (and <see cref="ConfigurationStore"/>),
    /// <see cref="IServeRuntime"/>, <see cref="BalancerInstance"/>, <see cref="IHealthStatus"/>,
    /// <see cref="BalancerControl"/>, <see cref="ReloadStatistics"/> and <see cref="ReadinessState"/> in the
    /// container; <c>services.Configure&lt;ProxyOptions&gt;(...)</c> reaches the proxy frontend (e.g. its run observer).
    /// </summary>
    private static void AddExtensions(WebApplicationBuilder builder, ServeSettings settings, ConfigFile file)
    {
        // A relative tokenFile is relative to the configuration file, like every path in lb.yaml.
        var tokenFile = file.Configuration.Admin?.TokenFile;
        if (tokenFile is not null && !Path.IsPathRooted(tokenFile))
        {
            tokenFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.ConfigPath)) ?? ".", tokenFile);
        }

        builder.Services.AddLbApi(new LbApiOptions { TokenFile = tokenFile });
        builder.Services.AddLbMetrics();
        builder.Services.AddSingleton<IConfigureOptions<ProxyOptions>>(sp =>
            new ConfigureOptions<ProxyOptions>(o => o.RunObserver = sp.GetRequiredService<IXdpRunObserver>())); // lb_program_run_seconds
    }

    /// <summary>Plug-in point for their endpoints (<c>MapLbApi()</c>, <c>MapLbMetrics()</c>) on the admin listener.</summary>
    private static void MapExtensions(WebApplication app)
    {
        app.MapLbApi();
        app.MapLbMetrics();
    }
}
