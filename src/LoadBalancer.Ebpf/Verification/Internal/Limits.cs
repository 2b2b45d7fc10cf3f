namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>The kernel verifier's limits.</summary>
internal static class Limits
{
    /// <summary>MAX_CALL_FRAMES.</summary>
    public const int MaxCallFrames = 8;

    /// <summary>MAX_BPF_STACK: bytes per frame and for the deepest call chain together.</summary>
    public const int MaxStack = 512;

    /// <summary>Stack slots per frame.</summary>
    public const int Slots = MaxStack / 8;

    /// <summary>BPF_MAX_VAR_OFF: largest pointer offset the verifier tracks.</summary>
    public const long MaxVarOff = 1 << 29;

    /// <summary>MAX_PACKET_OFF.</summary>
    public const int MaxPacketOff = 0xffff;

    /// <summary>BPF_COMPLEXITY_LIMIT_JMP_SEQ: pending branch states.</summary>
    public const int MaxPendingStates = 8192;
}
