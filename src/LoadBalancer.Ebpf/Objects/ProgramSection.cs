namespace LoadBalancer.Ebpf.Objects;

/// <summary>
/// Maps an ELF section name to a program type with libbpf's rules (<c>SEC_DEF</c> table of
/// libbpf 1.x): an entry written <c>name+</c> matches the name itself and <c>name/anything</c>; other
/// entries match exactly. A section that holds code but matches nothing is <see cref="ProgramType.Unspec"/>.
/// Deliberately more lenient than libbpf 1.x in two places, as libbpf 0.x and newer libbpf releases
/// are: <c>xdp/anything</c> is XDP (libbpf 1.1 accepts only <c>xdp/devmap</c> and <c>xdp/cpumap</c>)
/// and <c>tc/anything</c> is SCHED_CLS (<c>tc/ingress</c>, <c>tc/egress</c> since libbpf 1.3).
/// </summary>
public static class ProgramSection
{
    private static readonly (string Pattern, ProgramType Type)[] Rules =
    [
        ("socket+", ProgramType.SocketFilter),
        ("sk_reuseport/migrate", ProgramType.SkReuseport),
        ("sk_reuseport", ProgramType.SkReuseport),
        ("kprobe+", ProgramType.Kprobe),
        ("uprobe+", ProgramType.Kprobe),
        ("uprobe.s+", ProgramType.Kprobe),
        ("kretprobe+", ProgramType.Kprobe),
        ("uretprobe+", ProgramType.Kprobe),
        ("uretprobe.s+", ProgramType.Kprobe),
        ("kprobe.multi+", ProgramType.Kprobe),
        ("kretprobe.multi+", ProgramType.Kprobe),
        ("uprobe.multi+", ProgramType.Kprobe),
        ("uretprobe.multi+", ProgramType.Kprobe),
        ("ksyscall+", ProgramType.Kprobe),
        ("kretsyscall+", ProgramType.Kprobe),
        ("usdt+", ProgramType.Kprobe),
        ("tc+", ProgramType.SchedCls),
        ("tcx+", ProgramType.SchedCls),
        ("netkit+", ProgramType.SchedCls),
        ("classifier+", ProgramType.SchedCls),
        ("action+", ProgramType.SchedAct),
        ("tracepoint+", ProgramType.Tracepoint),
        ("tp+", ProgramType.Tracepoint),
        ("raw_tracepoint+", ProgramType.RawTracepoint),
        ("raw_tp+", ProgramType.RawTracepoint),
        ("raw_tracepoint.w+", ProgramType.RawTracepointWritable),
        ("raw_tp.w+", ProgramType.RawTracepointWritable),
        ("tp_btf+", ProgramType.Tracing),
        ("fentry+", ProgramType.Tracing),
        ("fmod_ret+", ProgramType.Tracing),
        ("fexit+", ProgramType.Tracing),
        ("fentry.s+", ProgramType.Tracing),
        ("fmod_ret.s+", ProgramType.Tracing),
        ("fexit.s+", ProgramType.Tracing),
        ("freplace+", ProgramType.Ext),
        ("lsm+", ProgramType.Lsm),
        ("lsm.s+", ProgramType.Lsm),
        ("lsm_cgroup+", ProgramType.Lsm),
        ("iter+", ProgramType.Tracing),
        ("iter.s+", ProgramType.Tracing),
        ("syscall", ProgramType.Syscall),
        ("xdp.frags+", ProgramType.Xdp),
        ("xdp+", ProgramType.Xdp),
        ("perf_event", ProgramType.PerfEvent),
        ("lwt_in", ProgramType.LwtIn),
        ("lwt_out", ProgramType.LwtOut),
        ("lwt_xmit", ProgramType.LwtXmit),
        ("lwt_seg6local", ProgramType.LwtSeg6Local),
        ("sockops", ProgramType.SockOps),
        ("sk_skb+", ProgramType.SkSkb),
        ("sk_msg", ProgramType.SkMsg),
        ("lirc_mode2", ProgramType.LircMode2),
        ("flow_dissector", ProgramType.FlowDissector),
        ("cgroup_skb+", ProgramType.CgroupSkb),
        ("cgroup/skb", ProgramType.CgroupSkb),
        ("cgroup/sock_create", ProgramType.CgroupSock),
        ("cgroup/sock_release", ProgramType.CgroupSock),
        ("cgroup/sock", ProgramType.CgroupSock),
        ("cgroup/post_bind4", ProgramType.CgroupSock),
        ("cgroup/post_bind6", ProgramType.CgroupSock),
        ("cgroup/bind4", ProgramType.CgroupSockAddr),
        ("cgroup/bind6", ProgramType.CgroupSockAddr),
        ("cgroup/connect4", ProgramType.CgroupSockAddr),
        ("cgroup/connect6", ProgramType.CgroupSockAddr),
        ("cgroup/connect_unix", ProgramType.CgroupSockAddr),
        ("cgroup/sendmsg4", ProgramType.CgroupSockAddr),
        ("cgroup/sendmsg6", ProgramType.CgroupSockAddr),
        ("cgroup/sendmsg_unix", ProgramType.CgroupSockAddr),
        ("cgroup/recvmsg4", ProgramType.CgroupSockAddr),
        ("cgroup/recvmsg6", ProgramType.CgroupSockAddr),
        ("cgroup/recvmsg_unix", ProgramType.CgroupSockAddr),
        ("cgroup/getpeername4", ProgramType.CgroupSockAddr),
        ("cgroup/getpeername6", ProgramType.CgroupSockAddr),
        ("cgroup/getsockname4", ProgramType.CgroupSockAddr),
        ("cgroup/getsockname6", ProgramType.CgroupSockAddr),
        ("cgroup/sysctl", ProgramType.CgroupSysctl),
        ("cgroup/getsockopt", ProgramType.CgroupSockopt),
        ("cgroup/setsockopt", ProgramType.CgroupSockopt),
        ("cgroup/dev", ProgramType.CgroupDevice),
        ("struct_ops+", ProgramType.StructOps),
        ("struct_ops.s+", ProgramType.StructOps),
        ("sk_lookup", ProgramType.SkLookup),
        ("netfilter", ProgramType.Netfilter),
    ];

    /// <summary>The program type libbpf gives a program in section <paramref name="sectionName"/>.</summary>
    public static ProgramType Resolve(string sectionName)
    {
        ArgumentNullException.ThrowIfNull(sectionName);
        foreach (var (pattern, type) in Rules)
        {
            if (Matches(pattern, sectionName))
            {
                return type;
            }
        }

        return ProgramType.Unspec;
    }

    private static bool Matches(string pattern, string section)
    {
        if (!pattern.EndsWith('+'))
        {
            return section == pattern;
        }

        var stem = pattern.AsSpan(0, pattern.Length - 1);
        return section.AsSpan().SequenceEqual(stem) ||
            (section.Length > stem.Length && section.AsSpan().StartsWith(stem) && section[stem.Length] == '/');
    }
}
