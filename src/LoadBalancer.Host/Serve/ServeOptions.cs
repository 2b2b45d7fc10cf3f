namespace LoadBalancer.Host.Serve;

/// <summary>What the command line of <c>lb serve</c> (or <c>lb demo</c>) asks for; null values fall back to <c>lb.yaml</c>, then to defaults.</summary>
/// <param name="ConfigPath">The configuration file (watched for changes).</param>
/// <param name="AdminListen">Overrides <c>admin.listen</c>: <c>ip:port</c> or <c>[ipv6]:port</c>.</param>
/// <param name="Engine">"jit" (default) or "interpreter".</param>
/// <param name="DrainDelay">Overrides the time readiness fails before the frontend stops accepting on SIGTERM.</param>
public sealed record ServeOptions(string ConfigPath, string? AdminListen = null, string Engine = "jit", TimeSpan? DrainDelay = null);
