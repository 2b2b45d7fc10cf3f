using System.CommandLine;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Text;

namespace LoadBalancer.Host.Cli;

/// <summary><c>lb disasm FILE</c>: prints eBPF bytecode in llvm-objdump syntax.</summary>
internal static class DisasmCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var input = new Argument<FileInfo>("file") { Description = "Raw eBPF bytecode (8 bytes per instruction slot, as written by 'lb asm')." };
        var command = new Command("disasm", "Disassemble eBPF bytecode into llvm-objdump syntax.\n\nExample:\n  lb disasm prog.bin")
        {
            input,
        };
        command.SetAction(parse => CliRunner.Run(parse, () =>
        {
            var bytes = File.ReadAllBytes(parse.GetRequiredValue(input).FullName);
            if (bytes.Length % Instruction.Size != 0)
            {
                throw new InvalidDataException($"{bytes.Length} bytes is not a whole number of 8-byte instruction slots; is this raw bytecode?");
            }

            CliOutput.Line(Disassembler.Disassemble(Instruction.Decode(bytes)).TrimEnd());
            return 0;
        }));
        return command;
    }
}
