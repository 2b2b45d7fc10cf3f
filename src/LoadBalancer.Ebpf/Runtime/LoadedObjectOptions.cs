using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Helpers;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Ebpf.Runtime;

/// <summary>How <see cref="LoadedObject"/> instantiates an object: workers, extra helpers, logging, globals set before load.</summary>
public sealed class LoadedObjectOptions
{
    private readonly Dictionary<string, byte[]> _globals = new(StringComparer.Ordinal);

    /// <summary>Dataplane workers ("CPUs"): per-CPU map slots and perf buffers (default 1).</summary>
    public int CpuCount { get; init; } = 1;

    /// <summary>
    /// Helpers added on top of the core helpers (<see cref="CoreHelpers"/>), replacing core helpers with
    /// the same id, e.g. the XDP helpers of the dataplane.
    /// </summary>
    public HelperTable? Helpers { get; init; }

    /// <summary>Receives <c>bpf_trace_printk</c> output (Debug level); null discards it.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// Freeze <c>.rodata</c> after load (libbpf's behaviour, default true): the control plane can no longer
    /// change read-only globals, so the program's load-time constants stay constant.
    /// </summary>
    public bool FreezeReadOnlyData { get; init; } = true;

    /// <summary>Global values to write before programs are built, by variable name.</summary>
    public IReadOnlyDictionary<string, byte[]> Globals => _globals;

    /// <summary>Sets a global variable (any data section, <c>.rodata</c> included) to be written at load.</summary>
    public LoadedObjectOptions SetGlobal<T>(string name, T value)
        where T : unmanaged
    {
        return SetGlobal(name, MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));
    }

    /// <summary>Sets a global variable's bytes to be written at load.</summary>
    public LoadedObjectOptions SetGlobal(string name, ReadOnlySpan<byte> value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _globals[name] = value.ToArray();
        return this;
    }
}
