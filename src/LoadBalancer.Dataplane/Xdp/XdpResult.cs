using LoadBalancer.Ebpf.Execution;

namespace LoadBalancer.Dataplane.Xdp;

/// <summary>
/// What happened to one packet: the action, where the resulting packet lies in its
/// <see cref="XdpBuffer"/>, the redirect target and, when the program did not exit normally, the fault.
/// A value: producing one allocates nothing.
/// </summary>
public readonly struct XdpResult
{
    /// <summary>Creates a result (the runner does; callers read them).</summary>
    public XdpResult(RunResult run, int dataOffset, int dataLength, int metadataLength, XdpRedirect redirect)
    {
        Run = run;
        DataOffset = dataOffset;
        DataLength = dataLength;
        MetadataLength = metadataLength;
        Redirect = redirect;
    }

    /// <summary>How the run ended (status, r0, instruction index, fault address).</summary>
    public RunResult Run { get; }

    /// <summary>
    /// The verdict: r0 when the program exited with a valid action; <see cref="XdpAction.Aborted"/> when
    /// it faulted or returned a value outside 0-4 (the kernel drops such packets as aborted, too).
    /// </summary>
    public XdpAction Action => Run.Succeeded && Run.ReturnValue <= (ulong)XdpAction.Redirect ? (XdpAction)Run.ReturnValue : XdpAction.Aborted;

    /// <summary>The program's raw return value (0 when it faulted).</summary>
    public ulong ReturnValue => Run.ReturnValue;

    /// <summary>True when the program did not run to its exit (memory fault, budget, unknown helper...).</summary>
    public bool Faulted => !Run.Succeeded;

    /// <summary>Offset of the resulting packet's first byte from the start of the buffer's frame.</summary>
    public int DataOffset { get; }

    /// <summary>Length of the resulting packet.</summary>
    public int DataLength { get; }

    /// <summary>Bytes of metadata in front of the packet.</summary>
    public int MetadataLength { get; }

    /// <summary>
    /// The redirect target (for <see cref="XdpAction.Redirect"/>). Kind <see cref="XdpRedirectKind.None"/>
    /// with that action means the program returned XDP_REDIRECT without a successful redirect helper
    /// call; the kernel drops such packets, and frontends should too.
    /// </summary>
    public XdpRedirect Redirect { get; }

    /// <inheritdoc />
    public override string ToString() =>
        Faulted ? $"{Action} ({Run})" : $"{Action}, {DataLength} bytes at offset {DataOffset}" + (Action == XdpAction.Redirect ? $", to {Redirect}" : string.Empty);
}
