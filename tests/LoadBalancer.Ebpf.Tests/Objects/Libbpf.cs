using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Tests.Objects;

/// <summary>
/// Just enough of Debian's libbpf1 (libbpf.so.1) through P/Invoke to open and load an object and
/// read back what libbpf did to it. Tests only: the reference the loader is compared with.
/// </summary>
internal static partial class Libbpf
{
    private const string Library = "libbpf.so.1";

    public static bool IsAvailable()
    {
        if (!NativeLibrary.TryLoad(Library, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }

    [LibraryImport(Library, EntryPoint = "libbpf_set_print")]
    public static partial IntPtr SetPrint(IntPtr printer);

    [LibraryImport(Library, EntryPoint = "bpf_object__open_file", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr OpenFile(string path, IntPtr options);

    [LibraryImport(Library, EntryPoint = "bpf_object__load")]
    public static partial int Load(IntPtr obj);

    [LibraryImport(Library, EntryPoint = "bpf_object__close")]
    public static partial void Close(IntPtr obj);

    [LibraryImport(Library, EntryPoint = "bpf_object__next_program")]
    public static partial IntPtr NextProgram(IntPtr obj, IntPtr previous);

    [LibraryImport(Library, EntryPoint = "bpf_program__name")]
    public static partial IntPtr ProgramName(IntPtr program);

    [LibraryImport(Library, EntryPoint = "bpf_program__section_name")]
    public static partial IntPtr ProgramSection(IntPtr program);

    [LibraryImport(Library, EntryPoint = "bpf_program__type")]
    public static partial int ProgramType(IntPtr program);

    [LibraryImport(Library, EntryPoint = "bpf_program__insns")]
    public static partial IntPtr ProgramInsns(IntPtr program);

    [LibraryImport(Library, EntryPoint = "bpf_program__insn_cnt")]
    public static partial nuint ProgramInsnCount(IntPtr program);

    [LibraryImport(Library, EntryPoint = "bpf_object__next_map")]
    public static partial IntPtr NextMap(IntPtr obj, IntPtr previous);

    [LibraryImport(Library, EntryPoint = "bpf_map__name")]
    public static partial IntPtr MapName(IntPtr map);

    [LibraryImport(Library, EntryPoint = "bpf_map__fd")]
    public static partial int MapFd(IntPtr map);

    [LibraryImport(Library, EntryPoint = "bpf_map__type")]
    public static partial int MapType(IntPtr map);

    [LibraryImport(Library, EntryPoint = "bpf_map__key_size")]
    public static partial uint MapKeySize(IntPtr map);

    [LibraryImport(Library, EntryPoint = "bpf_map__value_size")]
    public static partial uint MapValueSize(IntPtr map);

    [LibraryImport(Library, EntryPoint = "bpf_map__max_entries")]
    public static partial uint MapMaxEntries(IntPtr map);

    [LibraryImport(Library, EntryPoint = "bpf_map__map_flags")]
    public static partial uint MapFlags(IntPtr map);

    [LibraryImport(Library, EntryPoint = "bpf_map__set_pin_path")]
    public static partial int SetPinPath(IntPtr map, IntPtr path);

    public static string Text(IntPtr utf8) => Marshal.PtrToStringUTF8(utf8) ?? "";
}
