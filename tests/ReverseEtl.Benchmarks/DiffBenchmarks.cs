using BenchmarkDotNet.Attributes;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Benchmarks;

/// <summary>
/// One run's diff: rows are built, mapped and hashed as they stream (as the runner does), then compared with the state.
/// One row in a hundred changed. Allocated bytes grow with payload size because each row is built here; what the engine
/// keeps is the state and the seen-set, one entry per key (see <see cref="RetainedMemory"/>).
/// </summary>
[MemoryDiagnoser]
public class DiffBenchmarks
{
    private Dictionary<string, RecordState> _state = [];

    [Params(10_000, 100_000)]
    public int Rows { get; set; }

    [Params(100, 4_000)]
    public int TextBytes { get; set; }

    [IterationSetup]
    public void BuildState() => _state = Benchmarks.Rows.State(Rows, TextBytes);

    [Benchmark]
    public async Task<int> HashAndDiff()
    {
        var changes = 0;
        await foreach (var item in DiffEngine.DiffAsync(Benchmarks.Rows.StreamAsync(Rows, TextBytes, changedEvery: 100), _state))
        {
            changes += item is RowChange ? 1 : 0;
        }

        return changes;
    }
}
