using System.CommandLine;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Text;

namespace LoadBalancer.Host.Cli;

/// <summary>
/// <c>lb disasm FILE [--section S]</c>: prints eBPF bytecode in llvm-objdump syntax. ELF object files
/// (recognised by their magic) are listed per program with their C source lines; anything else is
/// read as raw bytecode.
/// </summary>
internal static class DisasmCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var input = new Argument<FileInfo>("file") { Description = "An eBPF object file (clang -target bpf), or raw eBPF bytecode (8 bytes per instruction slot, as written by 'lb asm')." };
        var section = new Option<string?>("--section", "-s") { Description = "For object files: list only the programs of this ELF section (e.g. xdp)." };
        var command = new Command("disasm", "Disassemble eBPF bytecode or an object file's programs into llvm-objdump syntax.\n\nExample:\n  lb disasm prog.bin\n  lb disasm balancer.bpf.o --section xdp")
        {
            input,
            section,
        };
        command.SetAction(parse => CliRunner.Run(parse, () =>
        {
            var file = parse.GetRequiredValue(input);
            var bytes = File.ReadAllBytes(file.FullName);
            if (IsElf(bytes))
            {
                var obj = ObjectLoader.Load(bytes, ObjectName(file.Name));
                CliOutput.Line(ObjectListing.Format(obj, parse.GetValue(section)));
                return 0;
            }

            if (parse.GetValue(section) is not null)
            {
                throw new ArgumentException($"--section applies to ELF object files; {file.Name} is raw bytecode.");
            }

            if (bytes.Length % Instruction.Size != 0)
            {
                throw new InvalidDataException($"{bytes.Length} bytes is not a whole number of 8-byte instruction slots; is this raw bytecode?");
            }

            CliOutput.Line(Disassembler.Disassemble(Instruction.Decode(bytes)).TrimEnd());
            return 0;
        }));
        return command;
    }

    /// <summary>True when <paramref name="bytes"/> start with the ELF magic (0x7f 'E' 'L' 'F').</summary>
    internal static bool IsElf(ReadOnlySpan<byte> bytes) => bytes.Length >= 4 && bytes[0] == 0x7f && bytes[1] == (byte)'E' && bytes[2] == (byte)'L' && bytes[3] == (byte)'F';

    /// <summary>libbpf's object name: the file name up to the first dot.</summary>
    internal static string ObjectName(string fileName)
    {
        var dot = fileName.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? fileName[..dot] : fileName;
    }
}
