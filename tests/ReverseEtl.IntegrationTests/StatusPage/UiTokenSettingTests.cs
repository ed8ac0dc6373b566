namespace ReverseEtl.IntegrationTests.StatusPage;

public class UiTokenSettingTests
{
    [Theory]
    [InlineData("short-Ünï")]
    [InlineData("a token with spaces in it")]
    public async Task Validate_UiTokenTooShortOrWithSpaces_ExitsTwoNamingTheSettingNotItsValue(string token)
    {
        await using var project = new TestProject().WithShippedConfig().WithVariable("RETL_UI_TOKEN", token);

        var validate = await project.CliAsync("validate");

        Assert.Equal(2, validate.ExitCode);
        Assert.Equal("""
            RETL_UI_TOKEN is shorter than 16 characters or holds spaces or control characters; set a random value (e.g. `openssl rand -hex 24`) or unset it to turn the status page off. Its value is not shown.

            """, validate.Error.ReplaceLineEndings("\n"));
        Assert.DoesNotContain(token, validate.Output + validate.Error, StringComparison.Ordinal);
    }
}
