using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LoadBalancer.Benchmarks.Jit;

/// <summary>
/// src/bpf/balancer.bpf.c compiled natively (clang-14 -O2, x86-64) with the C maps and helpers of
/// Programs/native/balancer_native.c into a shared library built in a temporary folder: the "native"
/// baseline of the balancer benchmarks. One instance per process (the C side has global state).
/// </summary>
public static unsafe class NativeBalancer
{
    private static delegate* unmanaged<byte*, byte*, byte*, int> _update;
    private static delegate* unmanaged<byte*, uint, uint*, int> _run;
    private static delegate* unmanaged<byte*> _data;
    private static nint _library;

    /// <summary>Builds and loads the library (once per process) and creates fresh maps (the LRU with <paramref name="lruEntries"/> entries).</summary>
    /// <exception cref="InvalidOperationException">clang-14 is missing, the build failed or the maps could not be created.</exception>
    public static void Initialize(uint lruEntries)
    {
        var library = _library != 0 ? _library : _library = NativeLibrary.Load(Build());
        var init = (delegate* unmanaged<uint, int>)NativeLibrary.GetExport(library, "lbn_init");
        _update = (delegate* unmanaged<byte*, byte*, byte*, int>)NativeLibrary.GetExport(library, "lbn_update");
        _run = (delegate* unmanaged<byte*, uint, uint*, int>)NativeLibrary.GetExport(library, "lbn_run");
        _data = (delegate* unmanaged<byte*>)NativeLibrary.GetExport(library, "lbn_data");
        if (init(lruEntries) != 0)
        {
            throw new InvalidOperationException("The native balancer could not allocate its frame below 2 GiB (MAP_32BIT).");
        }
    }

    /// <summary>Updates map <paramref name="name"/> (BPF_ANY).</summary>
    public static void Update(string name, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var ascii = new byte[name.Length + 1];
        System.Text.Encoding.ASCII.GetBytes(name, ascii);
        int rc;
        fixed (byte* n = ascii)
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            rc = _update(n, k, v);
        }

        if (rc != 0)
        {
            throw new InvalidOperationException($"native balancer: updating map '{name}' failed with {rc}.");
        }
    }

    /// <summary>Runs the program on a copy of <paramref name="packet"/>; the XDP action.</summary>
    public static int Run(ReadOnlySpan<byte> packet)
    {
        fixed (byte* p = packet)
        {
            return _run(p, (uint)packet.Length, null);
        }
    }

    /// <summary>Runs the program and returns the action and the packet after the run.</summary>
    public static (int Action, byte[] Output) RunCopy(ReadOnlySpan<byte> packet)
    {
        uint length;
        int action;
        fixed (byte* p = packet)
        {
            action = _run(p, (uint)packet.Length, &length);
        }

        return (action, new ReadOnlySpan<byte>(_data(), (int)length).ToArray());
    }

    private static string Build()
    {
        // Cached per source version (BenchmarkDotNet runs every case in a new process).
        var programs = Path.Combine(AppContext.BaseDirectory, "Programs");
        long stamp = 17;
        foreach (var file in Directory.GetFiles(programs, "*", SearchOption.AllDirectories))
        {
            if (file.EndsWith(".c", StringComparison.Ordinal) || file.EndsWith(".h", StringComparison.Ordinal))
            {
                stamp = (stamp * 31) + File.GetLastWriteTimeUtc(file).Ticks + new FileInfo(file).Length;
            }
        }

        var folder = Path.Combine(Path.GetTempPath(), $"lb-native-balancer-{stamp:x}");
        var output = Path.Combine(folder, "libbalancer.so");
        if (File.Exists(output))
        {
            return output;
        }

        Directory.CreateDirectory(folder);
        var building = output + "." + Environment.ProcessId;
        var start = new ProcessStartInfo("clang-14")
        {
            RedirectStandardError = true,
            ArgumentList =
            {
                "-O2", "-shared", "-fPIC", "-Wall",
                "-I", Path.Combine(programs, "native"),
                "-I", $"/usr/include/{(RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "aarch64" : "x86_64")}-linux-gnu",
                "-o", building, Path.Combine(programs, "native", "balancer_native.c"),
            },
        };
        using var clang = Process.Start(start) ?? throw new InvalidOperationException("clang-14 could not be started; install clang-14 for the native baseline.");
        var errors = clang.StandardError.ReadToEnd();
        clang.WaitForExit();
        if (clang.ExitCode != 0)
        {
            throw new InvalidOperationException($"clang-14 failed to build the native balancer: {errors}");
        }

        File.Move(building, output, overwrite: true);
        return output;
    }
}
