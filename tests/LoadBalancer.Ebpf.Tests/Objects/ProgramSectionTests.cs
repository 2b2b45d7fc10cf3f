using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Ebpf.Tests.Objects;

public sealed class ProgramSectionTests
{
    [Theory]
    [InlineData("xdp", ProgramType.Xdp)]
    [InlineData("xdp/balancer", ProgramType.Xdp)]
    [InlineData("xdp.frags", ProgramType.Xdp)]
    [InlineData("xdp.frags/devmap", ProgramType.Xdp)]
    [InlineData("tc", ProgramType.SchedCls)]
    [InlineData("tc/ingress", ProgramType.SchedCls)]
    [InlineData("tcx/egress", ProgramType.SchedCls)]
    [InlineData("classifier", ProgramType.SchedCls)]
    [InlineData("action", ProgramType.SchedAct)]
    [InlineData("socket", ProgramType.SocketFilter)]
    [InlineData("kprobe/do_sys_open", ProgramType.Kprobe)]
    [InlineData("kretprobe/tcp_v4_connect", ProgramType.Kprobe)]
    [InlineData("uprobe/libc.so:malloc", ProgramType.Kprobe)]
    [InlineData("tracepoint/syscalls/sys_enter_open", ProgramType.Tracepoint)]
    [InlineData("tp/sched/sched_switch", ProgramType.Tracepoint)]
    [InlineData("raw_tp/sys_enter", ProgramType.RawTracepoint)]
    [InlineData("fentry/tcp_sendmsg", ProgramType.Tracing)]
    [InlineData("lsm/file_open", ProgramType.Lsm)]
    [InlineData("cgroup_skb/ingress", ProgramType.CgroupSkb)]
    [InlineData("cgroup/connect4", ProgramType.CgroupSockAddr)]
    [InlineData("sk_skb/stream_verdict", ProgramType.SkSkb)]
    [InlineData("sk_msg", ProgramType.SkMsg)]
    [InlineData("perf_event", ProgramType.PerfEvent)]
    [InlineData("syscall", ProgramType.Syscall)]
    public void Section_names_resolve_to_the_kernel_program_type_as_libbpf_does(string section, ProgramType expected)
    {
        Assert.Equal(expected, ProgramSection.Resolve(section));
    }

    [Theory]
    [InlineData("xdpfoo")]
    [InlineData("tcp")]
    [InlineData("socketx")]
    [InlineData("my_section")]
    [InlineData("")]
    public void Names_that_only_share_a_prefix_are_not_recognised(string section)
    {
        Assert.Equal(ProgramType.Unspec, ProgramSection.Resolve(section));
    }

    [Fact]
    public void Program_type_numbers_are_the_kernels()
    {
        Assert.Equal(1u, (uint)ProgramType.SocketFilter);
        Assert.Equal(3u, (uint)ProgramType.SchedCls);
        Assert.Equal(6u, (uint)ProgramType.Xdp);
        Assert.Equal(26u, (uint)ProgramType.Tracing);
    }
}
