using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Runtime;
using LoadBalancer.Dataplane.Proxy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LoadBalancer.Host.Serve;

/// <summary>
/// The running <c>lb serve</c>: the balancer program (verified, compiled), the configuration store that
/// writes its maps, and the proxy frontend whose listeners follow the configuration's TCP and UDP VIPs.
/// Reloads (file change, SIGHUP, API) are serialised here: read the file, validate, replace the store's
/// configuration; an invalid file is logged and counted and the running configuration keeps serving.
/// </summary>
public sealed class ServeRuntime : IServeRuntime, IAsyncDisposable
{
    private readonly Lock _reloadGate = new();
    private readonly Lock _syncGate = new();
    private readonly BalancerInstance _balancer;
    private readonly BalancerConfiguration _initial;
    private readonly ReloadStatistics _statistics;
    private readonly ReadinessState _readiness;
    private readonly ILogger<ServeRuntime> _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IConfigureOptions<ProxyOptions>[] _proxyConfigurators;
    private readonly HashSet<string> _warnedVips = new(StringComparer.Ordinal);
    private Dictionary<(ProxyEndpoint Endpoint, IPAddress Real), int> _realPorts = [];
    private ProxyFrontend? _proxy;
    private string? _lastSeenHash;

    /// <summary>Creates the runtime; nothing runs until <see cref="Start"/>.</summary>
    /// <param name="settings">Start-up settings.</param>
    /// <param name="balancer">The loaded balancer (program verified at load, maps created).</param>
    /// <param name="store">The single writer of the maps.</param>
    /// <param name="initial">The configuration read at start-up (applied by <see cref="Start"/>).</param>
    /// <param name="initialHash">SHA-256 of the file it came from.</param>
    /// <param name="statistics">Reload counts.</param>
    /// <param name="readiness">The readiness flag set once the frontend listens.</param>
    /// <param name="loggerFactory">Loggers for this and the frontend.</param>
    /// <param name="proxyConfigurators">
    /// Applied to the proxy's options before it starts (e.g. <c>services.Configure&lt;ProxyOptions&gt;(o =&gt; o.RunObserver = ...)</c> for metrics).
    /// </param>
    public ServeRuntime(
        ServeSettings settings,
        BalancerInstance balancer,
        IConfigurationStore store,
        BalancerConfiguration initial,
        string initialHash,
        ReloadStatistics statistics,
        ReadinessState readiness,
        ILoggerFactory loggerFactory,
        IEnumerable<IConfigureOptions<ProxyOptions>>? proxyConfigurators = null)
    {
        Settings = settings;
        _balancer = balancer;
        Store = store;
        _initial = initial;
        _lastSeenHash = initialHash;
        _statistics = statistics;
        _readiness = readiness;
        _loggerFactory = loggerFactory;
        _proxyConfigurators = [.. proxyConfigurators ?? []];
        _logger = loggerFactory.CreateLogger<ServeRuntime>();
        Program = Describe(balancer, settings);
    }

    /// <summary>Start-up settings.</summary>
    public ServeSettings Settings { get; }

    /// <summary>The configuration store (single writer of the maps).</summary>
    public IConfigurationStore Store { get; }

    /// <inheritdoc />
    public string ConfigPath => Settings.ConfigPath;

    /// <inheritdoc />
    public ProgramInfo Program { get; }

    /// <summary>The proxy frontend, null before <see cref="Start"/>.</summary>
    public ProxyFrontend? Frontend => Volatile.Read(ref _proxy);

    /// <summary>
    /// Compiles the program with the chosen engine, applies the first configuration, starts the frontend
    /// on its VIPs and marks the instance ready.
    /// </summary>
    /// <exception cref="ConfigException">The first configuration is rejected by the store.</exception>
    /// <exception cref="SocketException">A VIP endpoint cannot be bound.</exception>
    public void Start()
    {
        var watch = Stopwatch.StartNew();
        var name = BalancerObjects.BalancerProgram;
        Settings.Engine.Prepare(_balancer.Loaded.GetProgram(name));
        ServeLog.ProgramReady(_logger, name, Program.Object, Program.Instructions, Program.Verifier, Program.Engine, watch.ElapsedMilliseconds);

        var diff = Store.Replace(_initial, "file");
        LogApplied("file", diff);

        var options = Settings.CreateProxyOptions(ResolveRealPort);
        foreach (var configure in _proxyConfigurators)
        {
            configure.Configure(options);
        }

        var proxy = new ProxyFrontend(_balancer.Loaded, name, options, _loggerFactory.CreateLogger<ProxyFrontend>(), Settings.Engine);
        proxy.Start();
        Volatile.Write(ref _proxy, proxy);
        Store.Changed += OnStoreChanged;
        SyncEndpoints();
        _readiness.MarkStarted();
        ServeLog.Ready(_logger, proxy.Endpoints.Count, FormatEndPoint(Settings.AdminListen));
    }

    /// <inheritdoc />
    public ConfigReloadOutcome ReloadConfig(string source) => Reload(source, onlyIfChanged: false)!;

    /// <summary>
    /// Reloads when the file's content differs from the last one seen (file watcher); null when unchanged.
    /// </summary>
    public ConfigReloadOutcome? ReloadIfChanged(string source) => Reload(source, onlyIfChanged: true);

    /// <summary>Graceful stop of the frontend: listeners close, open connections get the drain timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Store.Changed -= OnStoreChanged;
        if (Frontend is { } proxy)
        {
            ServeLog.StoppingFrontend(_logger, proxy.GetCounters().ConnectionsActive, Settings.DrainTimeout);
            await proxy.StopAsync(cancellationToken).ConfigureAwait(false);
            ServeLog.Stopped(_logger);
        }
    }

    /// <summary>Stops the frontend without draining and frees it.</summary>
    public async ValueTask DisposeAsync()
    {
        Store.Changed -= OnStoreChanged;
        if (Interlocked.Exchange(ref _proxy, null) is { } proxy)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ConfigReloadOutcome? Reload(string source, bool onlyIfChanged)
    {
        lock (_reloadGate)
        {
            if (onlyIfChanged && ConfigFile.TryHash(ConfigPath) is { } current && current == _lastSeenHash)
            {
                ServeLog.ReloadUnchanged(_logger, Path.GetDirectoryName(ConfigPath)!, ConfigPath);
                return null;
            }

            ConfigReloadOutcome outcome;
            string? hash = null;
            try
            {
                var file = ConfigFile.Load(ConfigPath, out hash);
                var diff = Store.Replace(file.Configuration, source);
                LogApplied(source, diff);
                outcome = new ConfigReloadOutcome(true, diff.IsEmpty ? "applied: no changes" : $"applied: {diff.Changes.Count} change(s)", diff);
            }
            catch (ConfigException e)
            {
                ServeLog.ReloadFailed(_logger, source, e.Message);
                outcome = new ConfigReloadOutcome(false, e.Message, null);
            }

            _lastSeenHash = hash ?? _lastSeenHash;
            _statistics.Record(outcome);
            return outcome;
        }
    }

    private void LogApplied(string source, ConfigurationDiff diff)
    {
        ServeLog.ConfigApplied(_logger, source, diff.Changes.Count, Store.Generation);
        foreach (var change in diff.Changes)
        {
            ServeLog.ConfigChange(_logger, change);
        }
    }

    private void OnStoreChanged(object? sender, ConfigurationDiff diff) => SyncEndpoints();

    /// <summary>Makes the frontend's listeners and real ports match the store's current VIPs.</summary>
    private void SyncEndpoints()
    {
        lock (_syncGate)
        {
            if (Frontend is not { IsRunning: true } proxy)
            {
                return;
            }

            var wanted = new HashSet<ProxyEndpoint>();
            var ports = new Dictionary<(ProxyEndpoint, IPAddress), int>();
            foreach (var vip in Store.Current.Vips)
            {
                if (ToEndpoint(vip) is not { } endpoint)
                {
                    continue;
                }

                wanted.Add(endpoint);
                foreach (var real in vip.Reals)
                {
                    if (IPAddress.TryParse(real.Address, out var address))
                    {
                        ports[(endpoint, address)] = vip.PortFor(real);
                    }
                }
            }

            Volatile.Write(ref _realPorts, ports);
            foreach (var endpoint in proxy.Endpoints)
            {
                if (!wanted.Contains(endpoint) && proxy.RemoveEndpointAsync(endpoint).GetAwaiter().GetResult())
                {
                    ServeLog.EndpointRemoved(_logger, endpoint);
                }
            }

            var present = new HashSet<ProxyEndpoint>(proxy.Endpoints);
            foreach (var endpoint in wanted)
            {
                if (present.Contains(endpoint))
                {
                    continue;
                }

                try
                {
                    proxy.AddEndpoint(endpoint);
                    ServeLog.EndpointAdded(_logger, endpoint);
                }
                catch (Exception e) when (e is SocketException or ArgumentException or InvalidOperationException)
                {
                    ServeLog.EndpointFailed(_logger, endpoint, e.Message);
                }
            }
        }
    }

    private ProxyEndpoint? ToEndpoint(VipConfiguration vip)
    {
        var protocol = BalancerConfigurationValidator.ParseProtocol(vip.Protocol);
        if (protocol is not (6 or 17) || !IPAddress.TryParse(vip.Address, out var address))
        {
            return null;
        }

        if (vip.Port == 0)
        {
            var name = vip.GetDisplayName();
            if (_warnedVips.Add(name))
            {
                ServeLog.VipNotListened(_logger, name, "an any-port VIP (port 0) cannot be listened on by the proxy frontend; give it a port");
            }

            return null;
        }

        return new ProxyEndpoint(address, vip.Port, protocol == 6 ? ProxyProtocol.Tcp : ProxyProtocol.Udp);
    }

    /// <summary>The program as loaded (the verifier ran when the balancer was created).</summary>
    private static ProgramInfo Describe(BalancerInstance balancer, ServeSettings settings)
    {
        var name = BalancerObjects.BalancerProgram;
        var program = balancer.Loaded.GetProgram(name);
        var section = balancer.Loaded.Object.Programs.First(p => p.Name == name).SectionName;
        var verification = program.Verification;
        var verdict = verification is null
            ? "not verified"
            : string.Create(CultureInfo.InvariantCulture, $"accepted ({verification.ProcessedInstructions} insns processed, {verification.Elapsed.TotalMilliseconds:F0} ms)");
        return new ProgramInfo("balancer.bpf.o", section, settings.Engine.Name, program.Length, verdict, settings.Workers);
    }

    private int ResolveRealPort(IPAddress real, ProxyEndpoint endpoint) =>
        Volatile.Read(ref _realPorts).TryGetValue((endpoint, real), out var port) ? port : endpoint.Port;

    private static string FormatEndPoint(IPEndPoint endPoint) =>
        endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]:{endPoint.Port}" : endPoint.ToString();
}
