using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Maps;
using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Balancer.Runtime;

/// <summary>
/// One balancer in the project's runtime: the embedded balancer.bpf.o loaded (maps created, program
/// validated, XDP helpers registered), its typed maps and the control plane driving them. Runners
/// for dataplane workers come from <see cref="CreateRunner"/>. Dispose when no runner runs any more.
/// </summary>
public sealed class BalancerInstance : IDisposable
{
    /// <summary>Loads the balancer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">CPU count below 1 or flow capacity below 1.</exception>
    /// <exception cref="ObjectLoadException">The embedded object does not load (a runtime defect).</exception>
    public BalancerInstance(BalancerInstanceOptions? options = null)
    {
        options ??= new BalancerInstanceOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CpuCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FlowCapacity, 1);
        Loaded = new LoadedObject(LoadObject(options.FlowCapacity), new LoadedObjectOptions { Helpers = XdpHelpers.CreateTable(), CpuCount = options.CpuCount });
        try
        {
            Maps = BalancerMaps.FromLoadedObject(Loaded);
            Control = new BalancerControl(Maps);
        }
        catch
        {
            Loaded.Dispose();
            throw;
        }
    }

    /// <summary>The loaded object (maps and program).</summary>
    public LoadedObject Loaded { get; }

    /// <summary>Typed views of the maps.</summary>
    public BalancerMaps Maps { get; }

    /// <summary>The control plane.</summary>
    public BalancerControl Control { get; }

    /// <summary>
    /// The embedded balancer object with the flow table sized to <paramref name="flowCapacity"/>
    /// (the program does not depend on the size).
    /// </summary>
    public static BpfObject LoadObject(int flowCapacity = BalancerConstants.MaxFlows)
    {
        var obj = BalancerObjects.LoadBalancer();
        if (flowCapacity == BalancerConstants.MaxFlows)
        {
            return obj;
        }

        var maps = new MapDefinition[obj.Maps.Count];
        for (var i = 0; i < maps.Length; i++)
        {
            maps[i] = obj.Maps[i].Name == "lru_flows" ? obj.Maps[i] with { MaxEntries = (uint)flowCapacity } : obj.Maps[i];
        }

        return new BpfObject
        {
            Name = obj.Name,
            Programs = obj.Programs,
            Maps = maps,
            Globals = obj.Globals,
            License = obj.License,
            KernelVersion = obj.KernelVersion,
            Btf = obj.Btf,
        };
    }

    /// <summary>A runner of <c>xdp_balancer</c> for worker <paramref name="cpu"/> (callers wrap runs in <see cref="MapReaders.Enter"/>/<see cref="MapReaders.Exit"/>).</summary>
    public XdpProgramRunner CreateRunner(IProgramEngine? engine = null, int cpu = 0) =>
        XdpProgramRunner.Create(Loaded, BalancerObjects.BalancerProgram, engine ?? InterpreterEngine.Instance, cpu);

    /// <summary>Releases the maps.</summary>
    public void Dispose() => Loaded.Dispose();
}
