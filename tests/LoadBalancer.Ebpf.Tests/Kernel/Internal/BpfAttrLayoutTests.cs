using System.Diagnostics;
using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Kernel.Internal;

namespace LoadBalancer.Ebpf.Tests.Kernel.Internal;

/// <summary>
/// Compares the C# mirrors of <c>union bpf_attr</c> with the machine's uapi header, compiled by the C
/// compiler (skipped when there is none). Fields newer than the installed header are checked by the
/// kernel tests that use them.
/// </summary>
public sealed class BpfAttrLayoutTests
{
    private static readonly (string CField, Type Mirror, string Field)[] Fields =
    [
        ("map_type", typeof(MapCreateAttr), nameof(MapCreateAttr.MapType)),
        ("key_size", typeof(MapCreateAttr), nameof(MapCreateAttr.KeySize)),
        ("value_size", typeof(MapCreateAttr), nameof(MapCreateAttr.ValueSize)),
        ("max_entries", typeof(MapCreateAttr), nameof(MapCreateAttr.MaxEntries)),
        ("map_flags", typeof(MapCreateAttr), nameof(MapCreateAttr.MapFlags)),
        ("inner_map_fd", typeof(MapCreateAttr), nameof(MapCreateAttr.InnerMapFd)),
        ("numa_node", typeof(MapCreateAttr), nameof(MapCreateAttr.NumaNode)),
        ("map_name", typeof(MapCreateAttr), nameof(MapCreateAttr.MapName)),
        ("map_ifindex", typeof(MapCreateAttr), nameof(MapCreateAttr.MapIfindex)),
        ("btf_fd", typeof(MapCreateAttr), nameof(MapCreateAttr.BtfFd)),
        ("btf_vmlinux_value_type_id", typeof(MapCreateAttr), nameof(MapCreateAttr.BtfVmlinuxValueTypeId)),
        ("map_extra", typeof(MapCreateAttr), nameof(MapCreateAttr.MapExtra)),
        ("map_fd", typeof(MapElemAttr), nameof(MapElemAttr.MapFd)),
        ("key", typeof(MapElemAttr), nameof(MapElemAttr.Key)),
        ("value", typeof(MapElemAttr), nameof(MapElemAttr.ValueOrNextKey)),
        ("next_key", typeof(MapElemAttr), nameof(MapElemAttr.ValueOrNextKey)),
        ("flags", typeof(MapElemAttr), nameof(MapElemAttr.Flags)),
        ("prog_type", typeof(ProgLoadAttr), nameof(ProgLoadAttr.ProgType)),
        ("insn_cnt", typeof(ProgLoadAttr), nameof(ProgLoadAttr.InsnCnt)),
        ("insns", typeof(ProgLoadAttr), nameof(ProgLoadAttr.Insns)),
        ("license", typeof(ProgLoadAttr), nameof(ProgLoadAttr.License)),
        ("log_level", typeof(ProgLoadAttr), nameof(ProgLoadAttr.LogLevel)),
        ("log_size", typeof(ProgLoadAttr), nameof(ProgLoadAttr.LogSize)),
        ("log_buf", typeof(ProgLoadAttr), nameof(ProgLoadAttr.LogBuf)),
        ("prog_flags", typeof(ProgLoadAttr), nameof(ProgLoadAttr.ProgFlags)),
        ("prog_name", typeof(ProgLoadAttr), nameof(ProgLoadAttr.ProgName)),
        ("expected_attach_type", typeof(ProgLoadAttr), nameof(ProgLoadAttr.ExpectedAttachType)),
        ("func_info", typeof(ProgLoadAttr), nameof(ProgLoadAttr.FuncInfo)),
        ("line_info", typeof(ProgLoadAttr), nameof(ProgLoadAttr.LineInfo)),
        ("attach_prog_fd", typeof(ProgLoadAttr), nameof(ProgLoadAttr.AttachProgFd)),
        ("fd_array", typeof(ProgLoadAttr), nameof(ProgLoadAttr.FdArray)),
        ("core_relo_rec_size", typeof(ProgLoadAttr), nameof(ProgLoadAttr.CoreReloRecSize)),
        ("test.prog_fd", typeof(TestRunAttr), nameof(TestRunAttr.ProgFd)),
        ("test.retval", typeof(TestRunAttr), nameof(TestRunAttr.Retval)),
        ("test.data_size_in", typeof(TestRunAttr), nameof(TestRunAttr.DataSizeIn)),
        ("test.data_size_out", typeof(TestRunAttr), nameof(TestRunAttr.DataSizeOut)),
        ("test.data_in", typeof(TestRunAttr), nameof(TestRunAttr.DataIn)),
        ("test.data_out", typeof(TestRunAttr), nameof(TestRunAttr.DataOut)),
        ("test.repeat", typeof(TestRunAttr), nameof(TestRunAttr.Repeat)),
        ("test.duration", typeof(TestRunAttr), nameof(TestRunAttr.Duration)),
        ("test.ctx_size_in", typeof(TestRunAttr), nameof(TestRunAttr.CtxSizeIn)),
        ("test.ctx_size_out", typeof(TestRunAttr), nameof(TestRunAttr.CtxSizeOut)),
        ("test.ctx_in", typeof(TestRunAttr), nameof(TestRunAttr.CtxIn)),
        ("test.ctx_out", typeof(TestRunAttr), nameof(TestRunAttr.CtxOut)),
        ("test.flags", typeof(TestRunAttr), nameof(TestRunAttr.Flags)),
        ("test.cpu", typeof(TestRunAttr), nameof(TestRunAttr.Cpu)),
        ("test.batch_size", typeof(TestRunAttr), nameof(TestRunAttr.BatchSize)),
    ];

    [Fact]
    public void Attribute_mirrors_have_the_offsets_of_the_uapi_header()
    {
        var offsets = CompileAndRun(string.Concat(Fields.Select(f => $"O({f.CField});")));

        foreach (var (cField, mirror, field) in Fields)
        {
            Assert.True(offsets.ContainsKey(cField), $"the C program printed no offset for {cField}");
            Assert.Equal((cField, offsets[cField]), (cField, (int)Marshal.OffsetOf(mirror, field)));
        }

        Assert.Equal(offsets["sizeof_test"], Marshal.SizeOf<TestRunAttr>());
        Assert.Equal(offsets["sizeof_xdp_md"], Marshal.SizeOf<KernelXdpMd>());
    }

    private static Dictionary<string, int> CompileAndRun(string body)
    {
        var compiler = new[] { "/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang-14" }.FirstOrDefault(File.Exists);
        if (compiler is null || !File.Exists("/usr/include/linux/bpf.h"))
        {
            Assert.Skip("Needs a C compiler and linux/bpf.h (linux-libc-dev) to compare struct layouts.");
        }

        var directory = Directory.CreateTempSubdirectory("bpfattr");
        try
        {
            var source = Path.Combine(directory.FullName, "offsets.c");
            var binary = Path.Combine(directory.FullName, "offsets");
            File.WriteAllText(source, $$"""
                #include <stdio.h>
                #include <stddef.h>
                #include <linux/bpf.h>
                #define O(f) printf("%s %zu\n", #f, offsetof(union bpf_attr, f))
                int main(void) {
                  {{body}}
                  printf("sizeof_test %zu\nsizeof_xdp_md %zu\n", sizeof(((union bpf_attr *)0)->test), sizeof(struct xdp_md));
                  return 0;
                }
                """);
            Run(compiler, $"-o {binary} {source}");
            var output = Run(binary, string.Empty);
            var offsets = new Dictionary<string, int>();
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ');
                offsets[parts[0]] = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }

            return offsets;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {arguments} failed: {error}");
        return output;
    }
}
