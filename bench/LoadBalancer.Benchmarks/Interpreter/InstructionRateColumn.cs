using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LoadBalancer.Benchmarks.Interpreter;

/// <summary>
/// Adds "Insns/op" and "M insns/s" to the summary: the eBPF instructions one operation executes
/// (counted by running the benchmark's program once) and the rate given the measured mean.
/// </summary>
public sealed class InstructionRateColumn(bool rate) : IColumn
{
    /// <inheritdoc />
    public string Id => rate ? "EbpfInsnRate" : "EbpfInsnCount";

    /// <inheritdoc />
    public string ColumnName => rate ? "M insns/s" : "Insns/op";

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => rate ? 1 : 0;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => rate ? "Millions of eBPF instructions executed per second" : "eBPF instructions executed per operation";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var program = InterpreterBenchmarks.ProgramOf(benchmarkCase.Descriptor.WorkloadMethod.Name);
        if (program is null)
        {
            return "-";
        }

        var count = InterpreterWorkloads.InstructionsPerRun(program);
        if (!rate)
        {
            return count.ToString(CultureInfo.InvariantCulture);
        }

        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is > 0 ? (count / mean.Value * 1000).ToString("F1", CultureInfo.InvariantCulture) : "-";
    }

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
