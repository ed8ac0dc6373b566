using System.Reflection;
using Xunit.v3;

[assembly: ReverseEtl.IntegrationTests.ReportSkippedContractChecks]

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// The vendors' published API descriptions (OpenAPI), kept outside the repository: the folder named by
/// <c>RETL_CONTRACTS_DIR</c> (relative to the repository root unless absolute), or else <c>../shared/contracts</c>
/// beside the repository when it exists. Without them, a test's request and response body schema checks are skipped
/// (the rest of the test runs and asserts) and the test is reported as skipped, naming the variable. A variable set to
/// a folder that does not exist is a mistake, not a skip: every contract check then fails, naming it.
/// </summary>
internal static class Contracts
{
    public const string Variable = "RETL_CONTRACTS_DIR";

    private const string SkipKeyPrefix = "ReverseEtl.ContractChecksSkipped:";

    private static readonly Lazy<string?> Resolved = new(Resolve);

    /// <summary>The contracts folder, or null when there is none (the checks are then skipped).</summary>
    public static string? Folder => Resolved.Value;

    public static bool Available => Folder is not null;

    public static string SkipReason =>
        $"vendor contracts not found: set {Variable} to the folder of OpenAPI descriptions (by default ../shared/contracts beside the repository, "
        + $"{Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "contracts"))}); the request/response body schema checks were skipped";

    /// <summary>The path of a contract file; only when <see cref="Available"/>.</summary>
    public static string PathOf(string name) =>
        Path.Combine(Folder ?? throw new InvalidOperationException($"No contracts folder; check {nameof(Available)} first"), name);

    /// <summary>
    /// Records that the current test skipped a contract check; the test is then reported as skipped if all else
    /// passed (see <see cref="ReportSkippedContractChecksAttribute"/>). Outside a test (no xunit context on this
    /// thread) nothing is recorded: callers that validate off the test's thread note the skip from it instead.
    /// </summary>
    public static void NoteSkipped()
    {
        if (TestContext.Current.Test is { } test)
        {
            TestContext.Current.KeyValueStorage[SkipKeyPrefix + test.UniqueID] = SkipReason;
        }
    }

    /// <summary>For a test that checks nothing but the contracts: skips it at once when they are absent.</summary>
    public static void RequireAvailable()
    {
        if (!Available)
        {
            Assert.Skip(SkipReason);
        }
    }

    /// <summary>Takes the skip reason noted for <paramref name="test"/>, if any.</summary>
    internal static string? TakeSkipReason(IXunitTest test) =>
        TestContext.Current.KeyValueStorage.TryRemove(SkipKeyPrefix + test.UniqueID, out var reason) ? reason as string : null;

    private static string? Resolve()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            var folder = Path.GetFullPath(configured, RepositoryPaths.Root);
            return Directory.Exists(folder)
                ? folder
                : throw new DirectoryNotFoundException($"{Variable} is set to '{configured}', but {folder} does not exist; point it at the vendor contracts or unset it to skip their checks");
        }

        var beside = Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "contracts"));
        return Directory.Exists(beside) ? beside : null;
    }
}

/// <summary>
/// Reports a test that passed but skipped a contract check (<see cref="Contracts.NoteSkipped"/>) as skipped, with the
/// reason. xunit runs <see cref="After"/> once the test method has finished, with the result so far in
/// <see cref="TestContext.TestState"/>: a failed test stays failed; only a passing one becomes skipped.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
internal sealed class ReportSkippedContractChecksAttribute : BeforeAfterTestAttribute
{
    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        if (Contracts.TakeSkipReason(test) is { } reason && TestContext.Current.TestState?.Result == TestResult.Passed)
        {
            Assert.Skip(reason);
        }
    }
}
