using System.Globalization;
using Microsoft.Playwright;
using ReverseEtl.Core.Activation;
using ReverseEtl.Worker.StatusPage;

namespace ReverseEtl.IntegrationTests.StatusPage;

/// <summary>
/// The page in headless Chromium (Debian's package, driven by Playwright with its executable path: no browser download),
/// served by the scheduled worker on the demo; the curves drawn must be those the calculator gives for the same data.
/// </summary>
public sealed class StatusPageBrowserTests
{
    private const string Token = "browser-test-token-0123456789";

    [Fact]
    public async Task StatusPage_DemoInChromium_DrawsTheCalculatorsCurvesAndSavesAScreenshot()
    {
        var chromium = Chromium();
        Assert.SkipWhen(chromium is null, "Debian's chromium is not on PATH (apt-get install chromium; .ci/run installs it).");
        await using var project = new TestProject().WithShippedConfig();
        ActivationReport expected;
        await using (var runtime = project.Runtime())
        {
            expected = (await new ActivationReader(runtime, TimeProvider.System).ReadAsync(CancellationToken.None))!;
        }

        await using var worker = await PageWorker.StartAsync(Token, project);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium, Headless = true, Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });

        var response = await page.GotoAsync($"{worker.Base}status?token={Uri.EscapeDataString(Token)}", new() { Timeout = 120_000 });

        Assert.Equal((200, $"{worker.Base}status"), (response!.Status, page.Url));
        Assert.Equal(
            expected.Cohorts.Where(c => c.Curve.Count > 0).TakeLast(ActivationHtml.CohortCurves).Select(c => (Week(c.WeekStart), c.Curve.ToArray())),
            await CurvesAsync(page, "#cohort-curves"));
        Assert.Equal(expected.OverlapCurves.Select(c => (c.PartnerType ?? "none", c.Curve.ToArray())), await CurvesAsync(page, "#overlap-curves"));
        Assert.Equal(
            expected.Cohorts.Select(c => (Week(c.WeekStart), c.Rate)),
            (await page.Locator("#cohort-rates rect.bar").EvaluateAllAsync<string[][]>("bars => bars.map(b => [b.dataset.series, b.dataset.value])"))
                .Select(b => (b[0], double.Parse(b[1], CultureInfo.InvariantCulture))));
        Assert.Contains(expected.OverlapCurves, c => c.PartnerType is not null && c.Curve.Count > 0);
        Assert.True(await page.Locator("#overlap-curves polyline").First.IsVisibleAsync());
        Assert.Equal(expected.Stuck.Select(s => s.AccountId), await page.Locator("#stuck-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.account)"));

        var screenshot = Path.Combine(AppContext.BaseDirectory, "artifacts", "status-page.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 10_000);
    }

    private static async Task<IEnumerable<(string Key, double[] Values)>> CurvesAsync(IPage page, string chart) =>
        (await page.Locator($"{chart} g.curve").EvaluateAllAsync<string[][]>("gs => gs.map(g => [g.dataset.series, g.dataset.values])"))
            .Select(g => (g[0], g[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()));

    private static string Week(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Chromium() => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "chromium")).FirstOrDefault(File.Exists);
}
