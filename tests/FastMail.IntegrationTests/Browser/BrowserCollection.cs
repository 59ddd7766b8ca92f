namespace FastMail.IntegrationTests.Browser;

/// <summary>
/// Browser tests run one after another: each Chromium takes a few hundred megabytes and a core while it starts, and
/// two shared cores give nothing back for running them side by side. It also keeps the environment variable the
/// missing-browser test changes from leaking into a concurrent start.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}
