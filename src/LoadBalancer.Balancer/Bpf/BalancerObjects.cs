using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Balancer.Bpf;

/// <summary>
/// The committed objects of src/bpf (<c>balancer.bpf.o</c>, <c>decap.bpf.o</c>), embedded in this
/// assembly so running needs neither clang nor the source tree.
/// </summary>
public static class BalancerObjects
{
    /// <summary>Resource name of the balancer object.</summary>
    public const string BalancerResource = "LoadBalancer.Balancer.bpf.balancer.bpf.o";

    /// <summary>Resource name of the decap object.</summary>
    public const string DecapResource = "LoadBalancer.Balancer.bpf.decap.bpf.o";

    /// <summary>The balancer program's function name.</summary>
    public const string BalancerProgram = "xdp_balancer";

    /// <summary>The decap program's function name.</summary>
    public const string DecapProgram = "xdp_decap";

    /// <summary>The bytes of <c>balancer.bpf.o</c>.</summary>
    public static byte[] BalancerBytes() => Read(BalancerResource);

    /// <summary>The bytes of <c>decap.bpf.o</c>.</summary>
    public static byte[] DecapBytes() => Read(DecapResource);

    /// <summary><c>balancer.bpf.o</c> parsed by <see cref="ObjectLoader"/>.</summary>
    public static BpfObject LoadBalancer() => ObjectLoader.Load(BalancerBytes(), "balancer.bpf.o");

    /// <summary><c>decap.bpf.o</c> parsed by <see cref="ObjectLoader"/>.</summary>
    public static BpfObject LoadDecap() => ObjectLoader.Load(DecapBytes(), "decap.bpf.o");

    private static byte[] Read(string name)
    {
        using var stream = typeof(BalancerObjects).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Resource '{name}' is missing from {typeof(BalancerObjects).Assembly.GetName().Name}; the build embeds it from src/bpf.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
