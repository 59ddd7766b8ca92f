using FastMail.Accounts;
using FastMail.Configuration;
using FastMail.Hosting;

namespace FastMail.IntegrationTests.Harness;

/// <summary>Creates accounts in a data directory exactly as `fastmail user add` does, with the test server's settings.</summary>
internal static class Accounts
{
    public static void AddUser(string dataDirectory, string name, string password)
    {
        var settings = FastMailSettings.From(ConfigLoader.Load(null, TestServer.Overrides(dataDirectory), _ => null));
        var result = new AccountAdmin(settings.Accounts.Options).AddUser(name, password);
        Assert.True(result.Succeeded, result.Message);
    }

    public static void AddAlias(string dataDirectory, string address, params string[] targets)
    {
        var settings = FastMailSettings.From(ConfigLoader.Load(null, TestServer.Overrides(dataDirectory), _ => null));
        var result = new AccountAdmin(settings.Accounts.Options).AddAlias(address, targets);
        Assert.True(result.Succeeded, result.Message);
    }
}
