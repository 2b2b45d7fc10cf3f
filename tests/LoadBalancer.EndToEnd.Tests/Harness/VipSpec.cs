using System.Net;

namespace LoadBalancer.EndToEnd.Tests.Harness;

/// <summary>One VIP of a generated config: 127.0.0.1:<paramref name="Port"/>, its reals and an optional health check (YAML flow mapping).</summary>
internal sealed record VipSpec(int Port, string Protocol, IReadOnlyList<IPEndPoint> Reals, string? HealthCheck = null);
