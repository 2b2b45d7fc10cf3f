using System.CommandLine;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Text;

namespace LoadBalancer.Host.Cli;

/// <summary><c>lb asm FILE -o OUT</c>: assembles eBPF text (classic or llvm-objdump syntax) into raw bytecode.</summary>
internal static class AsmCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var input = new Argument<FileInfo>("file") { Description = "Assembly source: classic syntax (mov32 %r0, 0) or llvm-objdump syntax (r0 = 0), one instruction per line, labels as 'name:'." };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Where to write the raw bytecode (8 bytes per slot, little-endian). Default: FILE with extension .bin." };
        var command = new Command("asm", "Assemble eBPF text into raw bytecode.\n\nExample:\n  lb asm prog.s -o prog.bin\n  lb disasm prog.bin")
        {
            input,
            output,
        };
        command.SetAction(parse => CliRunner.Run(parse, () =>
        {
            var source = parse.GetRequiredValue(input);
            var target = parse.GetValue(output) ?? new FileInfo(Path.ChangeExtension(source.FullName, ".bin"));
            var slots = Assembler.Assemble(File.ReadAllText(source.FullName));
            File.WriteAllBytes(target.FullName, Instruction.Encode(slots));
            CliOutput.Line($"{slots.Length} instruction slots ({slots.Length * Instruction.Size} bytes) written to {target.FullName}");
            return 0;
        }));
        return command;
    }
}
