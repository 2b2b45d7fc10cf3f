using LoadBalancer.Balancer.Tests.Bpf;

namespace LoadBalancer.Balancer.Tests.Control;

/// <summary>The kernel and the runtime configured once with <see cref="ControlPlaneFixtures.Configure"/> (shared by the differential fixtures).</summary>
public sealed class ConfiguredBalancerPair : IDisposable
{
    private readonly Lazy<(ControlledBalancer Kernel, ControlledBalancer Runtime)> _pair = new(Create);

    internal ControlledBalancer Kernel => _pair.Value.Kernel;

    internal ControlledBalancer Runtime => _pair.Value.Runtime;

    public void Dispose()
    {
        if (_pair.IsValueCreated)
        {
            _pair.Value.Kernel.Dispose();
            _pair.Value.Runtime.Dispose();
        }
    }

    private static (ControlledBalancer, ControlledBalancer) Create()
    {
        BpfObjects.RequireKernel();
        var kernel = new ControlledBalancer(BpfEngine.Kernel);
        var runtime = new ControlledBalancer(BpfEngine.Interpreter);
        ControlPlaneFixtures.Configure(kernel.Control);
        ControlPlaneFixtures.Configure(runtime.Control);
        return (kernel, runtime);
    }
}
