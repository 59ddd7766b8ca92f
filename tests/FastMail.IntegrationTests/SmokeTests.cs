namespace FastMail.IntegrationTests;

public sealed class SmokeTests
{
    [Fact]
    public void ProjectBuilds() => Assert.True(true);
}
