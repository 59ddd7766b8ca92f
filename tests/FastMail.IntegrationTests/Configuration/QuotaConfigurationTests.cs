using FastMail.Configuration;
using FastMail.Hosting;

namespace FastMail.IntegrationTests.Configuration;

/// <summary>The quota keys: accounts.defaultQuota (default 0, unlimited) and storage.minFreeSpace (default 64m).</summary>
public sealed class QuotaConfigurationTests
{
    private static FastMailSettings Load(params (string Key, string Value)[] sets) =>
        FastMailSettings.From(ConfigLoader.Load(null, sets.Select(s => new KeyValuePair<string, string>(s.Key, s.Value)).ToList(), _ => null));

    [Fact]
    public void DefaultsAreNoQuotaAndA64MegabyteReserve()
    {
        var settings = Load();
        Assert.Equal(0, settings.Accounts.Options.DefaultQuotaBytes);
        Assert.Equal(64L << 20, settings.Storage.MinFreeBytes);
        Assert.Equal(0, settings.Accounts.Options.DefaultQuotaBytes);
    }

    [Theory]
    [InlineData("1g", 1L << 30)]
    [InlineData("100m", 100L << 20)]
    [InlineData("512K", 512L << 10)]
    [InlineData("0", 0)]
    public void SizesWithSuffixesReachTheAccountsOptions(string text, long expected)
    {
        var settings = Load(("accounts.defaultQuota", text), ("storage.minFreeSpace", text));
        Assert.Equal(expected, settings.Accounts.Options.DefaultQuotaBytes);
        Assert.Equal(expected, settings.Storage.MinFreeBytes);
    }

    [Theory]
    [InlineData("accounts.defaultQuota", "lots")]
    [InlineData("accounts.defaultQuota", "-1")]
    [InlineData("storage.minFreeSpace", "1t")]
    public void BadSizesNameTheKey(string key, string value)
    {
        var error = Assert.Throws<ConfigException>(() => Load((key, value)));
        Assert.Contains($"{key} = '{value}'", error.Message, StringComparison.Ordinal);
    }
}
