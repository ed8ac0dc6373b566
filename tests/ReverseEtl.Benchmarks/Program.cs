using BenchmarkDotNet.Running;
using ReverseEtl.Benchmarks;

// dotnet run -c Release --project tests/ReverseEtl.Benchmarks -- --filter '*'   (add --job short for a quick look)
// dotnet run -c Release --project tests/ReverseEtl.Benchmarks -- --retained      (memory kept by a diff, by rows and payload size)
if (args is ["--retained"])
{
    await RetainedMemory.RunAsync(Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
