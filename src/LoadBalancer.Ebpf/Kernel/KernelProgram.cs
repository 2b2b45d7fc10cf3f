using System.Text;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Kernel.Internal;

namespace LoadBalancer.Ebpf.Kernel;

/// <summary>
/// A program loaded into the kernel with BPF_PROG_LOAD (so the kernel verifier has accepted it),
/// runnable on a packet with BPF_PROG_TEST_RUN: the reference that the project's verifier,
/// interpreter and JIT are compared with.
/// </summary>
/// <remarks>
/// What BPF_PROG_TEST_RUN does with XDP programs (measured on Linux 6.18, x86-64, 4 KiB pages):
/// <list type="bullet">
/// <item>The input must be at least 14 bytes (ETH_HLEN), else EINVAL.</item>
/// <item>The packet is copied into one page behind 256 bytes of headroom (XDP_PACKET_HEADROOM), of
/// which <c>bpf_xdp_adjust_head</c> can use 216 (the rest holds the 40-byte <c>struct xdp_frame</c>);
/// a larger grow returns -EINVAL to the program.</item>
/// <item>The linear part (what lies between <c>data</c> and <c>data_end</c>) is at most
/// 4096 - 256 - 320 = 3520 bytes; longer inputs continue in page-sized fragments (reachable with
/// <c>bpf_xdp_load_bytes</c>), even for programs loaded without BPF_F_XDP_HAS_FRAGS, up to
/// 3520 + 17 pages = 73152 bytes in all; beyond that the run fails with ENOMEM.</item>
/// <item>The output is the whole resulting packet (metadata included when a context declares some);
/// an output buffer smaller than that fails with ENOSPC; an empty one skips the copy.</item>
/// <item><c>repeat</c> 0 means 1; the duration is the mean per run in ns and includes the kernel's
/// per-run loop overhead (a two-instruction program measures about 20 ns with repeat 1000, but
/// over 100 ns with repeat 1, which is dominated by setup).</item>
/// </list>
/// </remarks>
public sealed class KernelProgram : IDisposable
{
    /// <summary>BPF_PROG_TYPE_XDP.</summary>
    public const uint XdpProgramType = 6;

    /// <summary>BPF_F_XDP_HAS_FRAGS: the XDP program handles multi-buffer packets.</summary>
    public const uint XdpHasFragsFlag = 1u << 5;

    private const ushort EthernetHeaderLength = 14;
    private const int InitialLogSize = 1 << 20;
    private const int MaxLogSize = 1 << 30;
    private const int LoadAttempts = 5;

    private readonly KernelFd _fd;

    private KernelProgram(KernelFd fd, uint programType, int instructionCount, string? verifierLog)
    {
        _fd = fd;
        ProgramType = programType;
        InstructionCount = instructionCount;
        VerifierLog = verifierLog;
    }

    /// <summary>The program type it was loaded as (<c>enum bpf_prog_type</c>).</summary>
    public uint ProgramType { get; }

    /// <summary>Number of instruction slots handed to the kernel.</summary>
    public int InstructionCount { get; }

    /// <summary>The verifier's log of the successful load when a log level was requested; else null.</summary>
    public string? VerifierLog { get; }

    /// <summary>The program's file descriptor (for PROG_ARRAY slots and tools).</summary>
    public int Fd => _fd.IsClosed ? throw new ObjectDisposedException(nameof(KernelProgram)) : _fd.Value;

    internal KernelFd FdHandle => _fd;

    /// <summary>
    /// Loads a program. Map references are given the way the project's ELF loader leaves them (the
    /// kernel's BPF_PSEUDO_MAP_IDX numbering, resolved here so no <c>fd_array</c> is needed): <c>lddw</c> with source
    /// <see cref="LddwSource.MapIndex"/> (imm = index into <paramref name="maps"/>) becomes
    /// <see cref="LddwSource.MapFd"/> with that map's fd, and <see cref="LddwSource.MapIndexValue"/>
    /// (second-slot imm = offset into value 0) becomes <see cref="LddwSource.MapValue"/>.
    /// </summary>
    /// <param name="programType">Program type (<see cref="XdpProgramType"/> = 6).</param>
    /// <param name="slots">The instruction slots; not modified.</param>
    /// <param name="license">License string; "GPL" unlocks GPL-only helpers.</param>
    /// <param name="maps">The maps that MapIndex immediates index, in order.</param>
    /// <param name="logLevel">
    /// Verifier log level for a successful load (0 = none, 1 = the path verified, 2 = every
    /// instruction's state, 4 = statistics); a failed load is always retried with at least level 1.
    /// </param>
    /// <param name="name">Program name shown by <c>bpftool prog</c> (sanitised, at most 15 characters).</param>
    /// <param name="programFlags">BPF_F_* load flags (e.g. <see cref="XdpHasFragsFlag"/>).</param>
    /// <param name="expectedAttachType">Expected attach type (0 for plain XDP).</param>
    /// <param name="btf">The object's BTF (<see cref="KernelBtf.Load"/>), passed with <paramref name="functions"/>; null = none.</param>
    /// <param name="functions">
    /// The program's functions (<see cref="Objects.ProgramDefinition.FuncInfo"/>: first slot and BTF FUNC id), sent as
    /// func_info with <paramref name="btf"/>; the kernel needs them for programs with callbacks.
    /// </param>
    /// <exception cref="KernelVerifierException">The kernel refused the program; the log says why.</exception>
    /// <exception cref="ArgumentException">A MapIndex immediate is outside <paramref name="maps"/>, or an lddw is cut off.</exception>
    public static KernelProgram Load(
        uint programType,
        ReadOnlySpan<Instruction> slots,
        string license = "GPL",
        IReadOnlyList<KernelMap>? maps = null,
        uint logLevel = 0,
        string? name = null,
        uint programFlags = 0,
        uint expectedAttachType = 0,
        KernelBtf? btf = null,
        IReadOnlyList<Objects.FunctionInfo>? functions = null)
    {
        ArgumentNullException.ThrowIfNull(license);
        if ((btf is null) != (functions is null || functions.Count == 0))
        {
            throw new ArgumentException("Give the object's BTF and the program's functions together (func_info needs BTF and vice versa).", nameof(functions));
        }

        var btfLeased = false;
        KernelBpf.ThrowIfUnsupportedPlatform();
        maps ??= [];
        var leased = new bool[maps.Count];
        try
        {
            for (var i = 0; i < maps.Count; i++)
            {
                ArgumentNullException.ThrowIfNull(maps[i], nameof(maps));
                maps[i].FdHandle.DangerousAddRef(ref leased[i]);
            }

            var bytecode = ResolveMapReferences(slots, maps);
            btf?.FdHandle.DangerousAddRef(ref btfLeased);
            var request = new LoadRequest(programType, bytecode, slots.Length, license, name, programFlags, expectedAttachType, btf?.FdHandle.Value ?? 0, FuncInfoRecords(functions));
            return LoadResolved(request, logLevel);
        }
        finally
        {
            if (btfLeased)
            {
                btf!.FdHandle.DangerousRelease();
            }

            for (var i = 0; i < leased.Length; i++)
            {
                if (leased[i])
                {
                    maps[i].FdHandle.DangerousRelease();
                }
            }
        }
    }

    /// <summary>
    /// Runs the XDP program once or <paramref name="repeat"/> times on a copy of
    /// <paramref name="packetIn"/> (BPF_PROG_TEST_RUN) and copies the resulting packet out.
    /// </summary>
    /// <param name="packetIn">The packet, from the Ethernet header on (at least 14 bytes).</param>
    /// <param name="packetOut">Receives the packet as the program left it (may be empty to skip the copy).</param>
    /// <param name="repeat">Number of runs (0 = 1); the output is that of the last run.</param>
    /// <param name="retval">The program's return value (the XDP action).</param>
    /// <param name="outLength">Length of the resulting packet.</param>
    /// <param name="durationNs">Mean nanoseconds per run, as the kernel measured it.</param>
    /// <exception cref="KernelBpfException">The run failed (EINVAL: packet under 14 bytes; ENOSPC: <paramref name="packetOut"/> too small).</exception>
    public void TestRun(ReadOnlySpan<byte> packetIn, Span<byte> packetOut, uint repeat, out uint retval, out int outLength, out uint durationNs)
    {
        var result = Run(packetIn, packetOut, repeat, withContext: false, default);
        retval = result.Retval;
        outLength = (int)result.DataSizeOut;
        durationNs = result.Duration;
    }

    /// <summary>
    /// Like <see cref="TestRun(ReadOnlySpan{byte}, Span{byte}, uint, out uint, out int, out uint)"/> with
    /// an <c>xdp_md</c> context: sets ingress_ifindex / rx_queue_index (which must name an existing
    /// interface and queue) and a metadata length in <see cref="KernelXdpMd.Data"/> (the first
    /// <c>Data</c> bytes of <paramref name="packetIn"/> become metadata). <see cref="KernelXdpMd.DataEnd"/>
    /// and <see cref="KernelXdpMd.DataMeta"/> are filled in; on return <paramref name="context"/> holds ctx_out.
    /// </summary>
    /// <exception cref="KernelBpfException">The run failed (ENODEV: unknown ifindex; EINVAL: bad queue or metadata length).</exception>
    public void TestRun(ReadOnlySpan<byte> packetIn, Span<byte> packetOut, uint repeat, ref KernelXdpMd context, out uint retval, out int outLength, out uint durationNs)
    {
        context.DataEnd = (uint)packetIn.Length;
        context.DataMeta = 0;
        var result = Run(packetIn, packetOut, repeat, withContext: true, context);
        context = result.Context;
        retval = result.Retval;
        outLength = (int)result.DataSizeOut;
        durationNs = result.Duration;
    }

    /// <summary>Closes the descriptor; the kernel frees the program once nothing else references it.</summary>
    public void Dispose() => _fd.Dispose();

    /// <summary>func_info as the kernel reads it: <c>struct bpf_func_info { u32 insn_off; u32 type_id; }</c> per function.</summary>
    private static byte[]? FuncInfoRecords(IReadOnlyList<Objects.FunctionInfo>? functions)
    {
        if (functions is null || functions.Count == 0)
        {
            return null;
        }

        var records = new byte[functions.Count * FuncInfoRecordSize];
        for (var i = 0; i < functions.Count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(records.AsSpan(i * FuncInfoRecordSize), (uint)functions[i].InstructionIndex);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(records.AsSpan((i * FuncInfoRecordSize) + 4), functions[i].BtfTypeId);
        }

        return records;
    }

    private const int FuncInfoRecordSize = 8;

    private static byte[] ResolveMapReferences(ReadOnlySpan<Instruction> slots, IReadOnlyList<KernelMap> maps)
    {
        var bytecode = new byte[slots.Length * Instruction.Size];
        for (var pc = 0; pc < slots.Length; pc++)
        {
            var slot = slots[pc];
            if (slot.IsLddw)
            {
                if (pc + 1 >= slots.Length)
                {
                    throw new ArgumentException($"The lddw at PC {pc} is missing its second slot (the program ends).", nameof(slots));
                }

                var source = (LddwSource)slot.Src;
                if (source is LddwSource.MapIndex or LddwSource.MapIndexValue)
                {
                    var index = slot.Imm;
                    if ((uint)index >= (uint)maps.Count)
                    {
                        throw new ArgumentException(
                            $"The lddw at PC {pc} refers to map index {index}, but {maps.Count} map(s) were given; pass the object's maps in declaration order.",
                            nameof(maps));
                    }

                    var resolved = source == LddwSource.MapIndex ? LddwSource.MapFd : LddwSource.MapValue;
                    slot = new Instruction(slot.Code, slot.Dst, (byte)resolved, slot.Offset, maps[index].FdHandle.Value);
                }

                slot.Write(bytecode.AsSpan(pc * Instruction.Size, Instruction.Size));
                pc++;
            }

            slots[pc].Write(bytecode.AsSpan(pc * Instruction.Size, Instruction.Size));
        }

        return bytecode;
    }

    private static KernelProgram LoadResolved(LoadRequest request, uint logLevel)
    {
        if (logLevel != 0)
        {
            var (fd, errno, log) = LoadWithLog(request, logLevel);
            return fd >= 0
                ? new KernelProgram(new KernelFd(fd), request.ProgramType, request.InstructionCount, log)
                : throw VerifierFailure(request, errno, log);
        }

        var (quietFd, quietErrno, _) = LoadOnce(request, 0, null);
        if (quietFd >= 0)
        {
            return new KernelProgram(new KernelFd(quietFd), request.ProgramType, request.InstructionCount, null);
        }

        // Load again with a log to learn why; keep the first errno, which the log did not influence.
        var (retryFd, _, retryLog) = LoadWithLog(request, 1);
        if (retryFd >= 0)
        {
            BpfSyscall.Close(retryFd);
        }

        throw VerifierFailure(request, quietErrno, retryLog);
    }

    private static (int Fd, int Errno, string Log) LoadWithLog(LoadRequest request, uint logLevel)
    {
        var size = InitialLogSize;
        while (true)
        {
            var buffer = GC.AllocateUninitializedArray<byte>(size, pinned: true);
            buffer[0] = 0;
            var (fd, errno, trueSize) = LoadOnce(request, logLevel, buffer);
            var log = DecodeLog(buffer);
            // Since 6.4 a log that does not fit fails the load with ENOSPC and reports the size it needed.
            if (fd < 0 && errno == LinuxErrno.ENOSPC && size < MaxLogSize)
            {
                size = trueSize > (uint)size ? (int)Math.Min(trueSize, (uint)MaxLogSize) : Math.Min(size * 4, MaxLogSize);
                continue;
            }

            return (fd, errno, log);
        }
    }

    private static unsafe (int Fd, int Errno, uint LogTrueSize) LoadOnce(LoadRequest request, uint logLevel, byte[]? log)
    {
        var license = Encoding.ASCII.GetBytes(request.License + "\0");
        fixed (byte* insns = request.Bytecode)
        fixed (byte* licensePointer = license)
        fixed (byte* logPointer = log)
        fixed (byte* funcInfo = request.FuncInfo)
        {
            var attr = new ProgLoadAttr
            {
                ProgBtfFd = (uint)request.BtfFd,
                FuncInfoRecSize = request.FuncInfo is null ? 0u : FuncInfoRecordSize,
                FuncInfo = (ulong)funcInfo,
                FuncInfoCnt = request.FuncInfo is null ? 0 : (uint)(request.FuncInfo.Length / FuncInfoRecordSize),
                ProgType = request.ProgramType,
                InsnCnt = (uint)request.InstructionCount,
                Insns = (ulong)insns,
                License = (ulong)licensePointer,
                LogLevel = log is null ? 0 : logLevel,
                LogSize = log is null ? 0 : (uint)log.Length,
                LogBuf = (ulong)logPointer,
                ProgFlags = request.ProgramFlags,
                ExpectedAttachType = request.ExpectedAttachType,
            };
            Encoding.ASCII.GetBytes(KernelMap.SanitizeName(request.Name ?? string.Empty), new Span<byte>(attr.ProgName, 16));

            var result = 0;
            for (var attempt = 0; attempt < LoadAttempts; attempt++)
            {
                // The kernel answers EAGAIN when it is short of memory for the verifier; libbpf retries too.
                result = BpfSyscall.Invoke(BpfCommand.ProgLoad, ref attr);
                if (result != -LinuxErrno.EAGAIN)
                {
                    break;
                }
            }

            return result >= 0 ? (result, 0, attr.LogTrueSize) : (-1, -result, attr.LogTrueSize);
        }
    }

    private static string DecodeLog(byte[] buffer)
    {
        var end = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }

    private static KernelVerifierException VerifierFailure(LoadRequest request, int errno, string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var tail = string.Join(" | ", lines[Math.Max(0, lines.Length - 4)..]);
        var hint = errno switch
        {
            LinuxErrno.EPERM => " Loading needs root or CAP_BPF + CAP_NET_ADMIN (see KernelBpf.UnavailableReason).",
            LinuxErrno.E2BIG => " The program is too large or too complex for the verifier.",
            _ => string.Empty,
        };
        var name = string.IsNullOrEmpty(request.Name) ? string.Empty : $" '{request.Name}'";
        var message = $"The kernel refused to load program{name} (type {request.ProgramType}, {request.InstructionCount} slots): " +
                      $"{KernelBpfException.Describe(errno)}.{hint}" +
                      (tail.Length == 0 ? " The verifier wrote no log." : $" Verifier: {tail}");
        return new KernelVerifierException(message, errno, log);
    }

    private unsafe TestRunResult Run(ReadOnlySpan<byte> packetIn, Span<byte> packetOut, uint repeat, bool withContext, KernelXdpMd ctxIn)
    {
        var added = false;
        _fd.DangerousAddRef(ref added);
        try
        {
            var ctxOut = default(KernelXdpMd);
            fixed (byte* dataIn = packetIn)
            fixed (byte* dataOut = packetOut)
            {
                var attr = new TestRunAttr
                {
                    ProgFd = (uint)_fd.Value,
                    DataSizeIn = (uint)packetIn.Length,
                    DataIn = (ulong)dataIn,
                    DataSizeOut = (uint)packetOut.Length,
                    DataOut = (ulong)dataOut,
                    Repeat = repeat,
                };
                if (withContext)
                {
                    attr.CtxSizeIn = (uint)sizeof(KernelXdpMd);
                    attr.CtxIn = (ulong)&ctxIn;
                    attr.CtxSizeOut = (uint)sizeof(KernelXdpMd);
                    attr.CtxOut = (ulong)&ctxOut;
                }

                var result = BpfSyscall.Invoke(BpfCommand.ProgTestRun, ref attr);
                if (result < 0)
                {
                    throw TestRunFailure(-result, packetIn.Length, packetOut.Length, attr.DataSizeOut);
                }

                return new TestRunResult(attr.Retval, attr.DataSizeOut, attr.Duration, ctxOut);
            }
        }
        finally
        {
            if (added)
            {
                _fd.DangerousRelease();
            }
        }
    }

    private KernelBpfException TestRunFailure(int errno, int inLength, int outCapacity, uint needed)
    {
        var hint = errno switch
        {
            LinuxErrno.EINVAL when inLength < EthernetHeaderLength => $" XDP test runs need at least {EthernetHeaderLength} bytes (ETH_HLEN); the packet has {inLength}.",
            LinuxErrno.EINVAL => " Check the context (egress_ifindex 0, rx_queue_index below the interface's queues, metadata a multiple of 4 up to 32) and the program type (XDP).",
            LinuxErrno.ENOMEM when inLength > 3520 => $" The packet ({inLength} bytes) is longer than the linear part plus the 17 fragment pages a test run allows.",
            LinuxErrno.ENOSPC => $" The program produced {needed} bytes but packetOut holds {outCapacity}; pass a larger buffer (bpf_xdp_adjust_head can add up to 216 bytes).",
            LinuxErrno.ENODEV => " The context's ingress_ifindex names no interface in this network namespace.",
            _ => string.Empty,
        };
        return new KernelBpfException($"bpf(BPF_PROG_TEST_RUN) of program type {ProgramType} failed: {KernelBpfException.Describe(errno)}.{hint}", errno);
    }

    private sealed record LoadRequest(uint ProgramType, byte[] Bytecode, int InstructionCount, string License, string? Name, uint ProgramFlags, uint ExpectedAttachType, int BtfFd, byte[]? FuncInfo);

    private readonly record struct TestRunResult(uint Retval, uint DataSizeOut, uint Duration, KernelXdpMd Context);
}
