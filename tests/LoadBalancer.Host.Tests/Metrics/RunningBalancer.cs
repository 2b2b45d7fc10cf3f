using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Runtime;
using LoadBalancer.Dataplane.Xdp;

namespace LoadBalancer.Host.Tests.Metrics;

/// <summary>A real <see cref="BalancerInstance"/> with two workers, configured through <see cref="AppliedConfigurationStore"/>.</summary>
internal sealed class RunningBalancer : IDisposable
{
    private readonly XdpProgramRunner[] _workers;

    public RunningBalancer(BalancerConfiguration configuration)
    {
        Instance = new BalancerInstance(new BalancerInstanceOptions { CpuCount = 2, FlowCapacity = 4096 });
        Store = new AppliedConfigurationStore(Instance.Control);
        Store.Replace(configuration, "test");
        _workers = [Instance.CreateRunner(cpu: 0), Instance.CreateRunner(cpu: 1)];
    }

    public BalancerInstance Instance { get; }

    public AppliedConfigurationStore Store { get; }

    public XdpProgramRunner Worker(int cpu) => _workers[cpu];

    /// <summary>Runs <paramref name="frame"/> on worker <paramref name="cpu"/> and checks the verdict.</summary>
    public void Run(int cpu, byte[] frame, XdpAction expected) => Assert.Equal(expected, _workers[cpu].Run(frame).Action);

    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        Instance.Dispose();
    }
}
