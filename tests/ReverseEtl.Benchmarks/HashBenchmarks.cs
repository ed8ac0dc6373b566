using BenchmarkDotNet.Attributes;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Benchmarks;

/// <summary>The payload hash alone (canonical JSON, then XxHash3), for a typical row and a wide one.</summary>
[MemoryDiagnoser]
public class HashBenchmarks
{
    private Dictionary<string, object?> _payload = [];

    [Params(100, 4_000)]
    public int TextBytes { get; set; }

    [GlobalSetup]
    public void Build() => _payload = Rows.Payload(42, TextBytes, 0);

    [Benchmark]
    public ulong Hash() => PayloadJson.Hash(_payload);
}
