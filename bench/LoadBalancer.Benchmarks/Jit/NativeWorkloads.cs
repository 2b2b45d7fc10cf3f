using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LoadBalancer.Benchmarks.Jit;

/// <summary>
/// The benchmark C programs (Programs/*.c) compiled natively by clang-14 -O2 for this machine into a
/// shared library, built on first use in a temporary folder, and their entry points.
/// </summary>
public static unsafe class NativeWorkloads
{
    private static nint _library;

    /// <summary>The native function <c>u64 name(const u8 *data, u64 len)</c>, building the library when needed.</summary>
    /// <exception cref="InvalidOperationException">clang-14 is missing or the build failed.</exception>
    public static delegate* unmanaged<byte*, ulong, ulong> Function(string name)
    {
        if (_library == 0)
        {
            _library = NativeLibrary.Load(Build());
        }

        return (delegate* unmanaged<byte*, ulong, ulong>)NativeLibrary.GetExport(_library, name);
    }

    private static string Build()
    {
        var folder = Path.Combine(Path.GetTempPath(), "lb-native-workloads-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        var output = Path.Combine(folder, "libworkloads.so");
        var sources = Path.Combine(AppContext.BaseDirectory, "Programs");
        var start = new ProcessStartInfo("clang-14")
        {
            RedirectStandardError = true,
            ArgumentList = { "-O2", "-shared", "-fPIC", "-o", output },
        };
        foreach (var name in new[] { "alu_loop.c", "checksum.c", "jhash.c" })
        {
            start.ArgumentList.Add(Path.Combine(sources, name));
        }

        using var clang = Process.Start(start) ?? throw new InvalidOperationException("clang-14 could not be started; install clang-14 for the native baseline.");
        var errors = clang.StandardError.ReadToEnd();
        clang.WaitForExit();
        if (clang.ExitCode != 0)
        {
            throw new InvalidOperationException($"clang-14 failed to build the native workloads: {errors}");
        }

        return output;
    }
}
