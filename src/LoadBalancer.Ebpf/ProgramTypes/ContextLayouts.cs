using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Ebpf.ProgramTypes;

/// <summary>The context layout of each program type this runtime can run.</summary>
public static class ContextLayouts
{
    /// <summary>The layout for <paramref name="type"/>, or null when programs of the type see raw context memory.</summary>
    public static ContextLayout? For(ProgramType type) => type switch
    {
        ProgramType.Xdp => XdpContextLayout.Instance,
        _ => null,
    };
}
