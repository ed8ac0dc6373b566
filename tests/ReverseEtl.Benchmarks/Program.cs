using BenchmarkDotNet.Running;
using ReverseEtl.Benchmarks;
using ReverseEtl.Benchmarks.EndToEnd;

// dotnet run -c Release --project tests/ReverseEtl.Benchmarks -- --filter '*'   (add --job short for a quick look)
// dotnet run -c Release --project tests/ReverseEtl.Benchmarks -- --retained      (memory kept by a diff, by rows and payload size)
// dotnet run -c Release --project tests/ReverseEtl.Benchmarks -- e2e --rows 1000000  (the worker as a process, end to end)
if (args is ["e2e", .. var e2e])
{
    E2eOptions options;
    try
    {
        options = E2eOptions.Parse(e2e);
    }
    catch (ArgumentException ex)
    {
        Console.Error.WriteLine($"e2e: {ex.Message}");
        return 2;
    }

    return await new E2eBenchmark(options, Console.Out).RunAsync();
}

if (args is ["except", var database])
{
    return Locations.Except(database);
}

if (args is ["floor-read", var readFrom])
{
    return Floors.Read(readFrom);
}

if (args is ["floor-hash", var hashFrom])
{
    return Floors.Hash(hashFrom);
}

if (args is ["floor-buckets", var bucketsOf, var bits])
{
    return Floors.Buckets(bucketsOf, int.Parse(bits, System.Globalization.CultureInfo.InvariantCulture));
}

if (args is ["--retained"])
{
    await RetainedMemory.RunAsync(Console.Out);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
