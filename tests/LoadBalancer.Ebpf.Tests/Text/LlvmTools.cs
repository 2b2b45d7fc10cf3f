using System.Diagnostics;

namespace LoadBalancer.Ebpf.Tests.Text;

/// <summary>Finds and runs clang-14 and the llvm binary tools for the objdump agreement tests.</summary>
internal static class LlvmTools
{
    /// <summary>The first of <paramref name="names"/> found on PATH, or null.</summary>
    public static string? Find(params string[] names)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var name in names)
        {
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Runs a tool and returns its standard output; fails the test with stderr on a non-zero exit.</summary>
    public static string Run(string tool, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = RunUnchecked(tool, arguments);
        Assert.True(exitCode == 0, $"{Path.GetFileName(tool)} {string.Join(' ', arguments)} failed: {stderr}");
        return stdout;
    }

    /// <summary>Runs a tool and returns its exit code and both outputs.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunUnchecked(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }

    /// <summary>The repository root (the folder holding LoadBalancer.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LoadBalancer.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LoadBalancer.sln not found above the test binary");
    }
}
