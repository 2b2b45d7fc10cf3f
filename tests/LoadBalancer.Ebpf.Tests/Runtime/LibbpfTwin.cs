using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Tests.Objects;

namespace LoadBalancer.Ebpf.Tests.Runtime;

/// <summary>
/// An object loaded into the kernel by libbpf (which sends BTF func_info, so programs passing
/// callbacks to bpf_loop / for_each_map_elem load), run with bpf_prog_test_run_opts.
/// </summary>
internal sealed unsafe partial class LibbpfTwin : IKernelTwin
{
    private const string Library = "libbpf.so.1";
    private readonly IntPtr _object;

    public LibbpfTwin(string objectName)
    {
        if (!Libbpf.IsAvailable())
        {
            Assert.Skip("libbpf.so.1 is not installed (apt-get install libbpf1)");
        }

        _object = Libbpf.OpenFile(TestObjects.PathOf(objectName), 0);
        Assert.True(_object != 0, $"libbpf could not open {objectName}.bpf.o");
        for (var map = Libbpf.NextMap(_object, 0); map != 0; map = Libbpf.NextMap(_object, map))
        {
            Libbpf.SetPinPath(map, 0);
        }

        var error = Libbpf.Load(_object);
        if (error != 0)
        {
            Libbpf.Close(_object);
            throw new InvalidOperationException($"libbpf could not load {objectName}.bpf.o into the kernel (error {error}).");
        }
    }

    public (uint Retval, byte[] Packet) Run(string program, byte[] packet)
    {
        var fd = ProgramFd(FindProgram(_object, program));
        var output = new byte[packet.Length + 512];
        fixed (byte* input = packet)
        fixed (byte* outBuffer = output)
        {
            var opts = new TestRunOpts
            {
                Size = (nuint)sizeof(TestRunOpts),
                DataIn = input,
                DataOut = outBuffer,
                DataSizeIn = (uint)packet.Length,
                DataSizeOut = (uint)output.Length,
                Repeat = 1,
            };
            var rc = TestRun(fd, &opts);
            Assert.True(rc == 0, $"bpf_prog_test_run_opts failed with {rc}");
            return (opts.Retval, output[..(int)opts.DataSizeOut]);
        }
    }

    public List<string> Snapshot(string mapName) => MapSnapshot.Of(new View(FindMap(_object, mapName)));

    public void Update(string mapName, byte[] key, byte[] value)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            Assert.Equal(0, MapUpdate(Libbpf.MapFd(FindMap(_object, mapName)), k, v, 0));
        }
    }

    public void Dispose() => Libbpf.Close(_object);

    [LibraryImport(Library, EntryPoint = "bpf_object__find_program_by_name", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr FindProgram(IntPtr obj, string name);

    [LibraryImport(Library, EntryPoint = "bpf_object__find_map_by_name", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr FindMap(IntPtr obj, string name);

    [LibraryImport(Library, EntryPoint = "bpf_program__fd")]
    private static partial int ProgramFd(IntPtr program);

    [LibraryImport(Library, EntryPoint = "bpf_prog_test_run_opts")]
    private static partial int TestRun(int fd, TestRunOpts* opts);

    [LibraryImport(Library, EntryPoint = "bpf_map_get_next_key")]
    private static partial int MapGetNextKey(int fd, byte* key, byte* next);

    [LibraryImport(Library, EntryPoint = "bpf_map_lookup_elem")]
    private static partial int MapLookup(int fd, byte* key, byte* value);

    [LibraryImport(Library, EntryPoint = "bpf_map_update_elem")]
    private static partial int MapUpdate(int fd, byte* key, byte* value, ulong flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct TestRunOpts
    {
        public nuint Size;
        public byte* DataIn;
        public byte* DataOut;
        public uint DataSizeIn;
        public uint DataSizeOut;
        public byte* CtxIn;
        public byte* CtxOut;
        public uint CtxSizeIn;
        public uint CtxSizeOut;
        public uint Retval;
        public int Repeat;
        public uint Duration;
        public uint Flags;
        public uint Cpu;
        public uint BatchSize;
    }

    private sealed class View(IntPtr map) : IKernelMapView
    {
        public MapType Type => (MapType)Libbpf.MapType(map);

        public int KeySize => (int)Libbpf.MapKeySize(map);

        public int ValueSize => (int)Libbpf.MapValueSize(map);

        public bool IsPerCpu => Type is MapType.PercpuArray or MapType.PercpuHash or MapType.LruPercpuHash;

        public bool GetNextKey(byte[] key, byte[] next)
        {
            fixed (byte* k = key)
            fixed (byte* n = next)
            {
                return MapGetNextKey(Libbpf.MapFd(map), key.Length == 0 ? null : k, n) == 0;
            }
        }

        public bool Lookup(byte[] key, byte[] value)
        {
            fixed (byte* k = key)
            fixed (byte* v = value)
            {
                return MapLookup(Libbpf.MapFd(map), k, v) == 0;
            }
        }
    }
}
